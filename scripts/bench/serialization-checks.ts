import { type DeployGraph, type GraphNode, transitiveWaits } from "./deploy-graph";
import { isContainer, isDroplet, isHostReadyWait } from "./latency";

export interface CheckResult {
  check: string;
  pass: boolean;
  /** What failed, or what was checked. */
  detail: string;
}

const FIREWALL = "digitalocean:index/firewall:Firewall";
const VOLUME = "digitalocean:index/volume:Volume";

function waitsOnAny(graph: DeployGraph, node: GraphNode, match: (n: GraphNode) => boolean): string[] {
  return [...transitiveWaits(graph, node.urn)]
    .map((u) => graph.get(u) as GraphNode)
    .filter(match)
    .map((n) => n.name);
}

function dropletsInParallel(graph: DeployGraph, nodes: GraphNode[]): CheckResult {
  const droplets = nodes.filter(isDroplet);
  const bad = droplets.flatMap((d) => waitsOnAny(graph, d, isDroplet).map((o) => `${d.name} waits on ${o}`));
  return {
    check: "droplets wait on no other droplet",
    pass: bad.length === 0,
    detail: bad.length === 0 ? `${droplets.length} droplets` : bad.join("; "),
  };
}

function firewallsAndVolumesFirst(graph: DeployGraph, nodes: GraphNode[]): CheckResult {
  const subjects = nodes.filter((n) => n.type === FIREWALL || n.type === VOLUME);
  const bad = subjects.flatMap((s) => waitsOnAny(graph, s, isDroplet).map((d) => `${s.name} waits on ${d}`));
  return {
    check: "firewalls and volumes wait on no droplet",
    pass: bad.length === 0,
    detail: bad.length === 0 ? `${subjects.length} firewalls and volumes` : bad.join("; "),
  };
}

/** A container's own host is the one whose cloud-init wait its Docker provider waits for. */
function containersOnOwnHost(graph: DeployGraph, nodes: GraphNode[]): CheckResult {
  const containers = nodes.filter(isContainer);
  const bad: string[] = [];
  for (const c of containers) {
    const waits = waitsOnAny(graph, c, isHostReadyWait);
    const provider = c.provider ? graph.get(c.provider) : undefined;
    const own = provider ? waitsOnAny(graph, provider, isHostReadyWait) : [];
    const foreign = waits.filter((w) => !own.includes(w));
    if (own.length !== 1 || foreign.length > 0) {
      bad.push(`${c.name} waits on ${waits.join(", ") || "no host"} (own: ${own.join(", ") || "none"})`);
    }
  }
  return {
    check: "each container waits only on its own host's cloud-init",
    pass: bad.length === 0,
    detail: bad.length === 0 ? `${containers.length} containers` : bad.join("; "),
  };
}

/** No avoidable serialization: the checks `npm run bench` prints as pass or fail. */
export function serializationChecks(graph: DeployGraph): CheckResult[] {
  const nodes = [...graph.values()];
  return [
    dropletsInParallel(graph, nodes),
    firewallsAndVolumesFirst(graph, nodes),
    containersOnOwnHost(graph, nodes),
  ];
}
