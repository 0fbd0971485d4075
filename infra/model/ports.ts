// Published ports (DESIGN.md §2). Every entry names its host address: @pulumi/docker publishes on
// 0.0.0.0 when `ip` is left out, bypassing every host firewall.
import type { ContainerName, Topology } from "./services";

export const ANY_ADDRESS = "0.0.0.0";
export const LOOPBACK = "127.0.0.1";

/** Where a port is published: the internet, the trading droplet's VPC address, or host loopback. */
export type BindTo = "any" | "trading-private" | "loopback";

export interface PublishedPort {
  container: ContainerName;
  internal: number;
  external: number;
  bindTo: BindTo;
}

const TRAEFIK: readonly PublishedPort[] = [
  { container: "traefik", internal: 80, external: 80, bindTo: "any" },
  { container: "traefik", internal: 443, external: 443, bindTo: "any" },
];

/**
 * split: the brain gateway (TLS 1.3, client certificates) on the VPC address, the one thing the
 * edge's Traefik reaches; the cloud firewall admits only the edge. NATS is not published: every
 * NATS client (console-api included) runs on the trading plane. The NATS monitor listens on the
 * container's own loopback (its healthcheck and `docker exec` reach it; no other container does)
 * and is not published either. Brain's own 3100 and 3101, execution's 3002, 5432 and 6379 are
 * never published.
 * single: nothing crosses hosts, so nothing but traefik is published (Traefik reaches the gateway
 * on the Docker edge network).
 */
export const PUBLISHED_PORTS: Readonly<Record<Topology, readonly PublishedPort[]>> = {
  split: [
    ...TRAEFIK,
    { container: "brain-gateway", internal: 3100, external: 3100, bindTo: "trading-private" },
  ],
  single: TRAEFIK,
};

/** 3101: brain's WebSocket server (Titan src/index.ts:707), reached only through the gateway. */
export const NEVER_PUBLISHED: readonly number[] = [3002, 3101, 5432, 6379];

export function portsOf(container: ContainerName, topology: Topology): PublishedPort[] {
  return PUBLISHED_PORTS[topology].filter((p) => p.container === container);
}

/** The concrete host address for a binding; the private address is only known at deploy time. */
export function hostAddress(bindTo: BindTo, tradingPrivateIp: string): string {
  if (bindTo === "any") return ANY_ADDRESS;
  if (bindTo === "loopback") return LOOPBACK;
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(tradingPrivateIp) || tradingPrivateIp === ANY_ADDRESS) {
    throw new Error(`trading private address '${tradingPrivateIp}' is not a concrete IPv4 address`);
  }
  return tradingPrivateIp;
}
