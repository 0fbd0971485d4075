import type { DeployGraph, GraphNode } from "./deploy-graph";

interface PathStep {
  urn: string;
  name: string;
  type: string;
  seconds: number;
  /** When this step finishes, counted from the start of the deploy. */
  finishAt: number;
}

export interface CriticalPath {
  totalSeconds: number;
  /** The longest chain, first step first. */
  chain: PathStep[];
}

/**
 * The longest chain through the graph when every node starts as soon as everything it waits for
 * is done (unbounded parallelism): the earliest a greenfield deploy can finish.
 */
export function criticalPath(graph: DeployGraph, secondsOf: (node: GraphNode) => number): CriticalPath {
  const finish = new Map<string, { at: number; via?: string }>();
  const visiting = new Set<string>();
  const finishOf = (urn: string): number => {
    const done = finish.get(urn);
    if (done) return done.at;
    const node = graph.get(urn);
    if (!node || visiting.has(urn)) return 0; // unknown, or a cycle: contributes nothing
    visiting.add(urn);
    let start = 0;
    let via: string | undefined;
    for (const dep of node.waitsFor) {
      const at = finishOf(dep);
      if (via === undefined || at > start) {
        start = at;
        via = dep;
      }
    }
    visiting.delete(urn);
    const at = start + secondsOf(node);
    finish.set(urn, via === undefined ? { at } : { at, via });
    return at;
  };
  let last: string | undefined;
  let total = 0;
  for (const urn of graph.keys()) {
    const at = finishOf(urn);
    if (last === undefined || at > total) {
      total = at;
      last = urn;
    }
  }
  const chain: PathStep[] = [];
  const onChain = new Set<string>();
  for (let urn = last; urn !== undefined && !onChain.has(urn); urn = finish.get(urn)?.via) {
    onChain.add(urn);
    const node = graph.get(urn) as GraphNode;
    chain.unshift({
      urn,
      name: node.name,
      type: node.type,
      seconds: secondsOf(node),
      finishAt: finish.get(urn)?.at ?? 0,
    });
  }
  return { totalSeconds: total, chain };
}
