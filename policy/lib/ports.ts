// DigitalOcean firewall port syntax: "22", "3000-3200", "all", "0" (how the API reports "all"),
// or empty/absent for a tcp/udp rule (all ports). ICMP has no ports at all.

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export const ALL_PORTS: PortRange = { from: 1, to: 65535 };

/** Parses a port spec; anything unparseable is treated as all ports (fail closed). */
export function parsePortRange(raw: unknown): PortRange {
  const text = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim() : "";
  if (text === "" || text.toLowerCase() === "all" || text === "0") return ALL_PORTS;
  const match = /^(\d{1,5})\s*(?:-\s*(\d{1,5}))?$/.exec(text);
  if (!match) return ALL_PORTS;
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  if (from < 1 || to > 65535 || from > to) return ALL_PORTS;
  return { from, to };
}

export function rangeIncludes(range: PortRange, port: number): boolean {
  return range.from <= port && port <= range.to;
}

export function isAllPorts(range: PortRange): boolean {
  return range.from <= 1 && range.to >= 65535;
}

/** Ports in `range` that are not in `allowed`, summarised as text ("23-79, 81-442"). */
export function portsOutside(range: PortRange, allowed: readonly number[]): string[] {
  const gaps: string[] = [];
  let start = range.from;
  const sorted = [...new Set(allowed)].sort((a, b) => a - b);
  for (const port of sorted) {
    if (port < start || port > range.to) continue;
    if (port > start) gaps.push(formatRange({ from: start, to: port - 1 }));
    start = port + 1;
  }
  if (start <= range.to) gaps.push(formatRange({ from: start, to: range.to }));
  return gaps;
}

export function formatRange(range: PortRange): string {
  if (isAllPorts(range)) return "all ports";
  return range.from === range.to ? String(range.from) : `${range.from}-${range.to}`;
}
