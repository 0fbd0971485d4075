// The one port table (DESIGN.md §2), and where ports are published. Every other port list in the
// program and the scripts is derived from PORTS; the policy pack keeps its own (it never imports
// program code). Every published entry names its host address: @pulumi/docker publishes on 0.0.0.0
// when `ip` is left out, bypassing every host firewall.
import type { ContainerName } from "./services";
import type { Topology } from "./topology";

/** Every port the stack or a Titan service listens on, with where the number comes from. */
export const PORTS = {
  ssh: 22,
  http: 80,
  https: 443,
  /** titan-console-api (Titan services/titan-console-api, PORT). */
  consoleApi: 3000,
  /** titan-execution-rs HTTP (PORT; DESIGN.md §1). Never reachable from outside the trading plane. */
  execution: 3002,
  /** Brain's HTTP API (PORT/SERVER_PORT); the brain gateway listens on the same number. */
  brain: 3100,
  /** Brain's WebSocket server (WS_PORT default, Titan src/index.ts:707). */
  brainWs: 3101,
  /** The static console image's nginx. */
  console: 8080,
  /** Health ports of the strategy services and quant (Titan's Dockerfiles). */
  scavenger: 8081,
  quant: 8082,
  hunter: 8083,
  sentinel: 8084,
  /** Traefik's ping entry point for its healthcheck, never published. */
  traefikPing: 8082,
  nats: 4222,
  natsMonitor: 8222,
  postgres: 5432,
  redis: 6379,
} as const;

/** Ports that must never be reachable from the internet: the host firewall's and the exposure check's list. */
export const INTERNAL_PORTS: readonly number[] = [
  PORTS.brain,
  PORTS.execution,
  PORTS.nats,
  PORTS.natsMonitor,
  PORTS.postgres,
  PORTS.redis,
];

/** What the edge reaches on trading: SSH via the bastion, and the brain gateway (Traefik's mTLS hop). */
export const EDGE_TO_TRADING_PORTS = [PORTS.ssh, PORTS.brain] as const;

/** No Traefik router may reach these: execution, and brain's WebSocket server (only via the gateway). */
export const FORBIDDEN_BACKEND_PORTS: readonly number[] = [PORTS.execution, PORTS.brainWs];

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
  { container: "traefik", internal: PORTS.http, external: PORTS.http, bindTo: "any" },
  { container: "traefik", internal: PORTS.https, external: PORTS.https, bindTo: "any" },
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
    { container: "brain-gateway", internal: PORTS.brain, external: PORTS.brain, bindTo: "trading-private" },
  ],
  single: TRAEFIK,
};

/** Never published on any host address; brain's WebSocket server is reached only through the gateway. */
export const NEVER_PUBLISHED: readonly number[] = [
  PORTS.execution,
  PORTS.brainWs,
  PORTS.postgres,
  PORTS.redis,
];

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
