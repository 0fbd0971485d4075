import ipaddr from "ipaddr.js";
import { PORTS } from "../../infra/model/ports";
import { unwrapSecrets } from "../engine/redact";
import type { RegisteredResource } from "../engine/run-program";

/**
 * Who can reach each droplet port, computed independently of the policy pack from the cloud
 * firewalls (outside the host) and the container port bindings (on the host).
 */
export type Exposure = "internet" | "allow-listed" | "vpc" | "host" | "closed";

export interface ReachabilityRow {
  droplet: string;
  port: number;
  exposure: Exposure;
  /** Which container (or the host's sshd) listens, and on which address. */
  listener: string;
}

export const REPORT_PORTS: readonly number[] = [
  PORTS.ssh,
  PORTS.http,
  PORTS.https,
  PORTS.consoleApi,
  PORTS.execution,
  PORTS.brain,
  PORTS.nats,
  PORTS.postgres,
  PORTS.redis,
  PORTS.console,
  PORTS.natsMonitor,
];

type Props = Record<string, unknown>;
const props = (r: RegisteredResource) => unwrapSecrets(r.inputs) as Props;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => String(x).trim()) : []);

const NON_PUBLIC = new Set([
  "private",
  "loopback",
  "linkLocal",
  "uniqueLocal",
  "carrierGradeNat",
  "unspecified",
]);

/** True when any address in the CIDR is public. Unparseable text counts as public (fail closed). */
export function cidrHasPublic(text: string): boolean {
  try {
    const [addr, prefix] = text.includes("/") ? ipaddr.parseCIDR(text) : [ipaddr.parse(text), 128];
    const kind = addr.kind();
    // Any range wider than the private blocks necessarily contains public space.
    if ((kind === "ipv4" && prefix < 8) || (kind === "ipv6" && prefix < 7)) return true;
    return !NON_PUBLIC.has(addr.range());
  } catch {
    return true;
  }
}

/** Expands "80", "3000-3200", "all", "0", "1-65535" or "" into a predicate. */
export function portMatcher(range: string | undefined): (port: number) => boolean {
  const text = (range ?? "").trim().toLowerCase();
  if (text === "" || text === "all" || text === "0") return () => true;
  const [lo, hi] = text.split("-").map((x) => Number(x.trim()));
  if (lo === undefined || Number.isNaN(lo)) return () => true;
  const top = hi === undefined || Number.isNaN(hi) ? lo : hi;
  return (port) => port >= lo && port <= top;
}

/** Wider than an IPv4 /16 or an IPv6 /32: "the internet", not an operator's allow-listed network. */
function isWide(text: string): boolean {
  try {
    const [addr, prefix] = text.includes("/") ? ipaddr.parseCIDR(text) : [ipaddr.parse(text), 128];
    return addr.kind() === "ipv4" ? prefix < 16 : prefix < 32;
  } catch {
    return true;
  }
}

interface Admission {
  fromInternet: boolean;
  fromAllowlist: boolean;
  fromVpc: boolean;
}

function firewallAdmission(
  firewalls: Props[],
  dropletTags: string[],
  dropletId: string | undefined,
  port: number,
): Admission {
  const result: Admission = { fromInternet: false, fromAllowlist: false, fromVpc: false };
  for (const fw of firewalls) {
    const covers =
      strings(fw.tags).some((t) => dropletTags.includes(t)) ||
      (dropletId !== undefined && strings(fw.dropletIds).includes(dropletId));
    if (!covers) continue;
    for (const rule of (fw.inboundRules as Props[] | undefined) ?? []) {
      if (String(rule.action ?? "allow").toLowerCase() === "deny") continue;
      const protocol = String(rule.protocol ?? "")
        .toLowerCase()
        .trim();
      if (protocol !== "tcp") continue;
      if (!portMatcher(rule.portRange as string | undefined)(port)) continue;
      for (const src of strings(rule.sourceAddresses)) {
        if (!cidrHasPublic(src)) result.fromVpc = true;
        else if (isWide(src)) result.fromInternet = true;
        else result.fromAllowlist = true;
      }
      if (strings(rule.sourceTags).length || strings(rule.sourceDropletIds).length) result.fromVpc = true;
    }
  }
  return result;
}

type Binding = "all" | "private" | "loopback";

/** Container listeners on a host: port → where it is bound. */
function bindings(
  containers: RegisteredResource[],
  privateIp: string,
): Map<number, { binding: Binding; who: string }> {
  const map = new Map<number, { binding: Binding; who: string }>();
  const rank: Record<Binding, number> = { loopback: 0, private: 1, all: 2 };
  for (const c of containers) {
    const p = props(c);
    for (const port of (p.ports as Props[] | undefined) ?? []) {
      const external = Number(port.external ?? port.internal);
      const ip = String(port.ip ?? "0.0.0.0").trim();
      const binding: Binding =
        ip === "0.0.0.0" || ip === "::" || ip === ""
          ? "all"
          : ip.startsWith("127.") || ip === "::1"
            ? "loopback"
            : ip === privateIp || !cidrHasPublic(ip)
              ? "private"
              : "all";
      const prev = map.get(external);
      if (!prev || rank[binding] > rank[prev.binding])
        map.set(external, { binding, who: `${String(p.name ?? c.name)}@${ip}` });
    }
  }
  return map;
}

export function computeReachability(resources: RegisteredResource[]): ReachabilityRow[] {
  const firewalls = resources.filter((r) => r.type === "digitalocean:index/firewall:Firewall").map(props);
  const droplets = resources.filter((r) => r.type === "digitalocean:index/droplet:Droplet");
  const containers = resources.filter((r) => r.type === "docker:index/container:Container");
  const providers = resources.filter((r) => r.type === "pulumi:providers:docker");
  const rows: ReachabilityRow[] = [];
  for (const d of droplets) {
    const p = props(d);
    const tags = strings(p.tags);
    const role = tags.find((t) => /^titan-(edge|trading|single)$/.test(t))?.replace("titan-", "") ?? d.name;
    const onHost = containers.filter((c) => {
      const provider = providers.find((pr) => c.options.provider?.startsWith(`${pr.urn}::`));
      return provider?.name.includes(role) ?? false;
    });
    const listeners = bindings(onHost, String(p.ipv4AddressPrivate ?? ""));
    for (const port of REPORT_PORTS) {
      const fw = firewallAdmission(firewalls, tags, d.id, port);
      const listener = port === 22 ? { binding: "all" as Binding, who: "sshd@0.0.0.0" } : listeners.get(port);
      let exposure: Exposure = "closed";
      if (listener) {
        if (listener.binding === "loopback") exposure = "host";
        else if (listener.binding === "all" && fw.fromInternet) exposure = "internet";
        else if (listener.binding === "all" && fw.fromAllowlist) exposure = "allow-listed";
        else if (fw.fromVpc || fw.fromAllowlist || fw.fromInternet) exposure = "vpc";
        else exposure = "host";
      }
      rows.push({ droplet: d.name.replace(/-droplet$/, ""), port, exposure, listener: listener?.who ?? "-" });
    }
  }
  return rows;
}
