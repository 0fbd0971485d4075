/**
 * The order a greenfield `pulumi up` must respect, from the registrations the program makes: a
 * resource waits for its dependencies (explicit dependsOn and input dependencies) and for its
 * provider; a component is a zero-cost node that is done when its children are. Children do not
 * wait for their parent component.
 */
export interface GraphResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  inputs?: Record<string, unknown>;
  options: { parent?: string; provider?: string };
  dependencies: string[];
}

export interface GraphNode {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  inputs: Record<string, unknown>;
  /** The URN of its explicit provider, if any. */
  provider?: string;
  /** URNs of the nodes this one starts after. */
  waitsFor: string[];
}

export type DeployGraph = ReadonlyMap<string, GraphNode>;

/** A provider reference is `urn::id`; the graph needs the URN. */
export const providerUrn = (ref: string): string => ref.split("::").slice(0, -1).join("::");

export function buildDeployGraph(resources: readonly GraphResource[]): DeployGraph {
  const known = new Set(resources.map((r) => r.urn));
  const children = new Map<string, string[]>();
  for (const r of resources) {
    if (r.options.parent) children.set(r.options.parent, [...(children.get(r.options.parent) ?? []), r.urn]);
  }
  const graph = new Map<string, GraphNode>();
  for (const r of resources) {
    const waits = new Set(r.dependencies);
    if (r.options.provider) waits.add(providerUrn(r.options.provider));
    if (!r.custom) for (const child of children.get(r.urn) ?? []) waits.add(child);
    waits.delete(r.urn);
    graph.set(r.urn, {
      urn: r.urn,
      type: r.type,
      name: r.name,
      custom: r.custom,
      inputs: r.inputs ?? {},
      ...(r.options.provider ? { provider: providerUrn(r.options.provider) } : {}),
      waitsFor: [...waits].filter((u) => known.has(u)),
    });
  }
  return graph;
}

/** Every node `urn` waits for, directly or through others (never itself). */
export function transitiveWaits(graph: DeployGraph, urn: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(graph.get(urn)?.waitsFor ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next) || next === urn) continue;
    seen.add(next);
    stack.push(...(graph.get(next)?.waitsFor ?? []));
  }
  return seen;
}
