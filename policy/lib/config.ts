// Policies read their config through here so that a missing key falls back to the schema default
// even when the engine (or a test) sends no config at all.

export function withDefaults<T extends object>(defaults: T, provided: unknown): T {
  if (typeof provided !== "object" || provided === null) return defaults;
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(provided)) {
    if (key in defaults && value !== undefined && value !== null) merged[key] = value;
  }
  return merged as T;
}

export const stringList = (description: string, defaults: readonly string[]) => ({
  type: "array" as const,
  items: { type: "string" as const },
  default: [...defaults],
  description,
});

export const numberList = (description: string, defaults: readonly number[]) => ({
  type: "array" as const,
  items: { type: "integer" as const },
  default: [...defaults],
  description,
});

/** The widest prefix an allow-listed IPv4 or IPv6 range may have (SSH and the Kubernetes API). */
export const maxPrefix = (family: "IPv4" | "IPv6", defaultPrefix: number) => ({
  type: "integer" as const,
  minimum: 0,
  maximum: family === "IPv4" ? 32 : 128,
  default: defaultPrefix,
  description: `Widest ${family} prefix allowed.`,
});
