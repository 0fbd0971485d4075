import { isPublicSource } from "./net";
import { type PortRange, parsePortRange, rangeIncludes } from "./ports";
import { asArray, asRecordArray, asText, asTextArray, type PropertyBag } from "./props";

export const FIREWALL_TYPE = "digitalocean:index/firewall:Firewall";
export const DROPLET_TYPE = "digitalocean:index/droplet:Droplet";

export type Direction = "inbound" | "outbound";

/** One firewall rule, normalised: trimmed, lower-cased protocol, parsed port range. */
export interface FirewallRule {
  readonly direction: Direction;
  readonly index: number;
  readonly protocol: string;
  /** undefined for ICMP, which has no ports. */
  readonly ports: PortRange | undefined;
  readonly addresses: readonly string[];
  readonly tags: readonly string[];
  readonly dropletIds: readonly string[];
  readonly loadBalancerUids: readonly string[];
  readonly kubernetesIds: readonly string[];
}

const PEER_PREFIX: Record<Direction, string> = { inbound: "source", outbound: "destination" };

/** Text values as written, trimmed; non-text entries are kept as "" so they fail closed. */
function peerTexts(value: unknown): string[] {
  return asArray(value).map((v) => asText(v) ?? "");
}

export function firewallRules(props: PropertyBag, direction: Direction): FirewallRule[] {
  const prefix = PEER_PREFIX[direction];
  return asRecordArray(props[`${direction}Rules`]).map((rule, index) => {
    const protocol = (asText(rule.protocol) ?? "").toLowerCase();
    return {
      direction,
      index,
      protocol,
      ports: protocol === "icmp" ? undefined : parsePortRange(rule.portRange),
      addresses: peerTexts(rule[`${prefix}Addresses`]),
      tags: asTextArray(rule[`${prefix}Tags`]),
      dropletIds: asTextArray(rule[`${prefix}DropletIds`]),
      loadBalancerUids: asTextArray(rule[`${prefix}LoadBalancerUids`]),
      kubernetesIds: asTextArray(rule[`${prefix}KubernetesIds`]),
    };
  });
}

/**
 * Peers of a rule that the internet can reach through: public addresses, and load balancers
 * (a load balancer forwards internet traffic, so admitting it is admitting the internet).
 */
export function publicPeers(rule: FirewallRule): string[] {
  const addresses = rule.addresses.filter(isPublicSource).map((a) => (a === "" ? '""' : a));
  return [...addresses, ...rule.loadBalancerUids.map((uid) => `load balancer ${uid}`)];
}

export function ruleCoversPort(rule: FirewallRule, port: number): boolean {
  return rule.ports !== undefined && rangeIncludes(rule.ports, port);
}

export interface FirewallTargets {
  readonly tags: readonly string[];
  readonly dropletIds: readonly string[];
}

export function firewallTargets(props: PropertyBag): FirewallTargets {
  return { tags: asTextArray(props.tags), dropletIds: asTextArray(props.dropletIds) };
}

export function describeRule(rule: FirewallRule): string {
  const ports = rule.ports ? ` ports ${rule.ports.from}-${rule.ports.to}` : "";
  return `${rule.direction} rule #${rule.index + 1} (${rule.protocol || "no protocol"}${ports})`;
}

export function resourceLabel(name: string, urn: string): string {
  return urn ? `'${name}' (${urn})` : `'${name}'`;
}
