import { EDGE_TO_TRADING_PORTS, PORTS } from "../model/ports";
import type { Role } from "../model/topology";
import { roleTag } from "../model/topology";

/** A cloud firewall rule in the provider's own shape, as plain data. */
export interface InboundRule {
  protocol: "tcp" | "udp" | "icmp";
  portRange?: string;
  sourceAddresses?: string[];
  sourceTags?: string[];
}
export interface OutboundRule {
  protocol: "tcp" | "udp" | "icmp";
  portRange?: string;
  destinationAddresses?: string[];
  destinationTags?: string[];
}
export interface RoleFirewallRules {
  inbound: InboundRule[];
  outbound: OutboundRule[];
}

export const ANYWHERE = ["0.0.0.0/0", "::/0"];

// The edge reaches trading on EDGE_TO_TRADING_PORTS only (infra/model/ports.ts). No NATS: DESIGN.md
// §2 had the edge's console-api on the bus, but console-api runs on the trading plane (it needs
// Postgres), and nothing left on the edge (traefik, the static console) speaks NATS.

/**
 * Egress every host needs. DigitalOcean denies all egress when no outbound rule exists, so each
 * rule is deliberate: DNS, NTP (the 5-second HMAC replay window depends on the clock), HTTPS
 * (exchanges, container registries, ACME) and HTTP (Ubuntu's apt mirrors serve over plain HTTP,
 * packages are verified by apt's signatures).
 */
const BASE_EGRESS: OutboundRule[] = [
  { protocol: "udp", portRange: "53", destinationAddresses: ANYWHERE },
  { protocol: "tcp", portRange: "53", destinationAddresses: ANYWHERE },
  { protocol: "udp", portRange: "123", destinationAddresses: ANYWHERE },
  { protocol: "tcp", portRange: String(PORTS.https), destinationAddresses: ANYWHERE },
  { protocol: "tcp", portRange: String(PORTS.http), destinationAddresses: ANYWHERE },
];

const publicWeb = (): InboundRule[] => [
  { protocol: "tcp", portRange: String(PORTS.http), sourceAddresses: [...ANYWHERE] },
  { protocol: "tcp", portRange: String(PORTS.https), sourceAddresses: [...ANYWHERE] },
];

const sshFrom = (allowlist: readonly string[]): InboundRule => ({
  protocol: "tcp",
  portRange: String(PORTS.ssh),
  sourceAddresses: [...allowlist],
});

/** Rules for one role, exactly as DESIGN.md §2 lists them. */
export function buildFirewallRules(role: Role, sshAllowlist: readonly string[]): RoleFirewallRules {
  if (sshAllowlist.length === 0) throw new Error("sshAllowlist is empty: SSH would be unreachable or open");
  const egress = BASE_EGRESS.map((r) => ({
    ...r,
    destinationAddresses: [...(r.destinationAddresses ?? [])],
  }));
  switch (role) {
    case "edge":
      return {
        inbound: [...publicWeb(), sshFrom(sshAllowlist)],
        outbound: [
          ...egress,
          ...EDGE_TO_TRADING_PORTS.map(
            (port): OutboundRule => ({
              protocol: "tcp",
              portRange: String(port),
              destinationTags: [roleTag("trading")],
            }),
          ),
        ],
      };
    case "trading":
      // Nothing from any public address: only the edge, by tag.
      return {
        inbound: EDGE_TO_TRADING_PORTS.map(
          (port): InboundRule => ({
            protocol: "tcp",
            portRange: String(port),
            sourceTags: [roleTag("edge")],
          }),
        ),
        outbound: egress,
      };
    case "single":
      return { inbound: [...publicWeb(), sshFrom(sshAllowlist)], outbound: egress };
  }
}
