export interface PolicyCost {
  policy: string;
  /** Milliseconds this policy adds to analyzing the resource set (its run minus the all-disabled run). */
  ms: number;
}

/**
 * The cost of each policy, slowest first: each was timed alone (every other policy disabled), and
 * the baseline (all disabled: protocol, serialization, the pack's own dispatch) is subtracted.
 * Noise can make a cheap policy come out below the baseline; it is reported as 0.
 */
export function policyCosts(baselineMs: number, aloneMs: Readonly<Record<string, number>>): PolicyCost[] {
  return Object.entries(aloneMs)
    .map(([policy, ms]) => ({ policy, ms: Math.max(0, Math.round((ms - baselineMs) * 10) / 10) }))
    .sort((a, b) => b.ms - a.ms || a.policy.localeCompare(b.policy));
}

type Level = "advisory" | "mandatory" | "remediate" | "disabled";

/**
 * A `--policy-pack-config` that runs `policy` alone, at its usual level and with its usual
 * properties from `base`, and disables every other policy.
 */
export function configForOnePolicy(
  base: Readonly<Record<string, unknown>>,
  policies: readonly { name: string; enforcementLevel: string }[],
  policy: string,
): Record<string, unknown> {
  const config: Record<string, unknown> = { all: "disabled" };
  for (const p of policies) {
    const entry = base[p.name];
    const properties = entry !== null && typeof entry === "object" ? (entry as Record<string, unknown>) : {};
    if (p.name !== policy) {
      config[p.name] = { ...properties, enforcementLevel: "disabled" };
      continue;
    }
    const configured = typeof entry === "string" ? entry : properties.enforcementLevel;
    const level =
      typeof configured === "string" && configured !== "disabled" ? configured : p.enforcementLevel;
    config[p.name] = {
      ...properties,
      enforcementLevel: (level === "disabled" ? "advisory" : level) as Level,
    };
  }
  return config;
}
