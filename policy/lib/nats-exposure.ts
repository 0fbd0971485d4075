// Entry points besides the one client listener: extra listeners (Titan runs a single server, so a
// cluster, gateway, leaf node, websocket or MQTT listener is only another way in, each with its own
// and by default no authentication) and the HTTP monitor, which answers anyone who reaches it.
import { flagSet, publishedPorts } from "./docker";
import { monitorEndpoints } from "./nats-auth";
import type { NatsMap } from "./nats-conf";
import { isLoopback } from "./net";
import { asText, type PropertyBag } from "./props";

/** Top-level blocks that open a listener, under every name nats-server accepts for them. */
const LISTENER_BLOCKS: Readonly<Record<string, string>> = {
  cluster: "cluster (route)",
  gateway: "gateway",
  leafnodes: "leaf node",
  leaf: "leaf node",
  websocket: "websocket",
  ws: "websocket",
  mqtt: "MQTT",
};

export function listenerProblems(root: NatsMap): string[] {
  return Object.entries(LISTENER_BLOCKS)
    .filter(([key]) => root[key] !== undefined)
    .map(
      ([key, what]) =>
        `'${key}' opens a ${what} listener: Titan runs one server, and each extra listener is another entry point with its own (by default no) authentication. Fix: remove the ${key} block`,
    );
}

const UNSPECIFIED_HOSTS = new Set(["0.0.0.0", "::", "[::]"]);

export interface MonitorRules {
  /** Ports that count as the monitor's even when the config does not name them. */
  readonly monitorPorts: readonly number[];
  /**
   * Accept a monitor bound to every interface of the container's own network namespace (never the
   * host's): Docker's publish on host loopback needs it, at the price of every container on the
   * same networks reaching the monitor.
   */
  readonly monitorBindAllInContainer: boolean;
}

function hostProblem(host: string, props: PropertyBag, rules: MonitorRules): string | undefined {
  if (host === "localhost" || isLoopback(host)) return undefined;
  const hostNetwork = (asText(props.networkMode) ?? "").toLowerCase() === "host";
  if (UNSPECIFIED_HOSTS.has(host) && rules.monitorBindAllInContainer && !hostNetwork) return undefined;
  const reach = hostNetwork
    ? "in host network mode that is the droplet's own interfaces"
    : "every container on its networks reaches it";
  return `binds host '${host}' (${reach}), and the monitor has no authentication`;
}

export function monitorProblems(root: NatsMap, props: PropertyBag, rules: MonitorRules): string[] {
  const problems: string[] = [];
  const endpoints = monitorEndpoints(root);
  for (const endpoint of endpoints) {
    const problem = hostProblem(endpoint.host ?? "0.0.0.0", props, rules);
    if (problem) problems.push(`monitor (${endpoint.key}) ${problem}. Fix: bind it to 127.0.0.1`);
  }
  const ports = new Set([
    ...rules.monitorPorts,
    ...endpoints.map((e) => e.port).filter((p): p is number => p !== undefined),
  ]);
  for (const port of publishedPorts(props)) {
    if (isLoopback(port.ip)) continue;
    const touched = [port.internal, port.external].find((p) => p !== undefined && ports.has(p));
    if (touched === undefined) continue;
    problems.push(
      `container publishes the monitor port ${port.internal ?? port.external} on ${port.ip}, not on loopback. Fix: publish it on 127.0.0.1 only`,
    );
  }
  if (flagSet(props.publishAllPorts))
    problems.push(
      `publishAllPorts publishes every port the image exposes (the monitor's among them) on 0.0.0.0. Fix: set publishAllPorts to false`,
    );
  return problems;
}
