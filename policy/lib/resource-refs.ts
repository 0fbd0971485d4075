// Resolving references between resources in a stack policy. The engine sends each resource's
// inputs: a `dropletId: droplet.id` input carries the provider id, but the droplet's own inputs do
// not, so an id alone often matches nothing. The reference is then found the way the engine
// records it: the holder's property dependencies for that input, else its dependencies.
import type { PolicyResource } from "@pulumi/policy";
import { asArray, asText, asTextArray } from "./props";

export interface Resolution {
  /** Candidates the references lead to (deduplicated, in stack order). */
  readonly targets: PolicyResource[];
  /** References that lead to no candidate of the stack (fail closed: the caller refuses them). */
  readonly unresolved: string[];
}

/** What a resource may be referred to by: its URN, and, when the engine sends outputs, its ids. */
function referenceKeys(resource: PolicyResource): string[] {
  const props = resource.props ?? {};
  return [resource.urn, ...[props.id, props.urn, props.dropletUrn].map(asText)].filter(
    (k): k is string => k !== undefined && k !== "",
  );
}

/** References as text; an entry that is not text (an object, a bool) is kept as "" so it cannot match. */
export function referenceTexts(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const values = Array.isArray(value) ? value : [value];
  return values.map((v) => asText(v) ?? "");
}

export function resolveReferences(
  holder: PolicyResource,
  property: string,
  references: readonly string[],
  candidates: readonly PolicyResource[],
): Resolution {
  const found = new Set<PolicyResource>();
  const unmatched: string[] = [];
  for (const ref of references) {
    const direct = ref === "" ? [] : candidates.filter((c) => referenceKeys(c).includes(ref));
    if (direct.length === 0) unmatched.push(ref);
    for (const c of direct) found.add(c);
  }
  if (unmatched.length > 0) {
    const byProperty = asArray(holder.propertyDependencies?.[property]).filter((d) =>
      candidates.includes(d as PolicyResource),
    ) as PolicyResource[];
    // Dependencies also hold dependsOn: counting every candidate there can only add targets.
    const byDependency = (holder.dependencies ?? []).filter((d) => candidates.includes(d));
    const via = byProperty.length > 0 ? byProperty : byDependency;
    // Each unmatched reference needs a dependency of its own: a literal id of a droplet outside
    // the stack must not hide behind the dependency of another reference.
    const fresh = via.filter((c) => !found.has(c));
    for (const c of via) found.add(c);
    if (fresh.length >= unmatched.length) unmatched.length = 0;
  }
  return { targets: candidates.filter((c) => found.has(c)), unresolved: unmatched };
}

export interface IngressTags {
  readonly publicIngressTags: readonly string[];
  readonly tradingTags: readonly string[];
}

/**
 * Why a droplet may not take traffic from the internet (a load balancer, a public address), or
 * undefined when it may: it must carry a public-ingress tag and no trading tag. An allow-list, so
 * a trading droplet whose tag was renamed is still refused.
 */
export function publicTargetProblem(droplet: PolicyResource, tags: IngressTags): string | undefined {
  const own = asTextArray(droplet.props.tags);
  const trading = own.filter((t) => tags.tradingTags.includes(t));
  if (trading.length > 0) return `is a trading droplet (tag ${trading.join(", ")})`;
  if (!own.some((t) => tags.publicIngressTags.includes(t)))
    return `carries none of the public-ingress tags (${tags.publicIngressTags.join(", ")}; it has ${own.length > 0 ? own.join(", ") : "no tags"})`;
  return undefined;
}
