// A readable difference between two contracts: one line per changed leaf, keyed by names, not indexes.
function flatten(value: unknown, path: string, out: Map<string, string>): void {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== "object" || v === null)) {
      for (const v of value) out.set(`${path}[${JSON.stringify(v)}]`, "present");
      if (value.length === 0) out.set(path, "[]");
      return;
    }
    value.forEach((v, i) => {
      const key =
        v && typeof v === "object" && "name" in v
          ? String((v as { name: unknown }).name)
          : v && typeof v === "object" && "durable" in v
            ? `${(v as { stream: string }).stream}/${(v as { durable: string }).durable}`
            : v && typeof v === "object" && "port" in v
              ? `${(v as { port: number }).port}/${(v as { protocol: string }).protocol}`
              : String(i);
      flatten(v, `${path}[${key}]`, out);
    });
    return;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) flatten(v, path ? `${path}.${k}` : k, out);
    return;
  }
  out.set(path, JSON.stringify(value));
}

/** Lines "- path: old" / "+ path: new"; empty when equal. */
export function contractDiff(committed: unknown, fresh: unknown): string[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(committed, "", a);
  flatten(fresh, "", b);
  const lines: string[] = [];
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const k of keys) {
    const x = a.get(k);
    const y = b.get(k);
    if (x === y) continue;
    if (x !== undefined) lines.push(`- ${k}: ${x}`);
    if (y !== undefined) lines.push(`+ ${k}: ${y}`);
  }
  return lines;
}
