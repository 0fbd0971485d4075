// Resolving a holder's references (a reserved IP's dropletId, a load balancer's dropletIds) to the
// droplets of the stack, and why a droplet may not take public traffic.
import type { PolicyResource } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import type { EngineResource } from "../../../scripts/engine/policy-engine";
import { publicTargetProblem, referenceTexts, resolveReferences } from "../../lib/resource-refs";
import { droplet, resource } from "../fixtures";
import { policyStack } from "../stack-graph";

const LB = "digitalocean:index/loadBalancer:LoadBalancer";
const edge = droplet("edge", "titan-edge");
const trading = droplet("trading", "titan-trading");
const vpc = resource("digitalocean:index/vpc:Vpc", "titan-vpc", { id: "3f2a-vpc" });

/** The holder resolved against the stack's droplets, as reserved-ip-edge-only and load-balancer-safe do. */
function resolve(refs: string[], dependencies: EngineResource[]) {
  const holder = {
    ...resource(LB, "lb", { dropletIds: refs }),
    dependencies: dependencies.map((r) => r.urn),
  };
  const stack = policyStack([edge, trading, vpc, holder]);
  const { targets, unresolved } = resolveReferences(
    stack[3] as PolicyResource,
    "dropletIds",
    refs,
    stack.filter((r) => r.type === edge.type),
  );
  return { targets: targets.map((t) => t.name), unresolved };
}

describe("referenceTexts", () => {
  it("reads a single reference or a list as text; an unset reference (null) is none", () => {
    expect(referenceTexts(undefined)).toEqual([]);
    expect(referenceTexts(null)).toEqual([]);
    expect(referenceTexts(1001)).toEqual(["1001"]);
    expect(referenceTexts([" 1001 ", { id: 1 }])).toEqual(["1001", ""]);
  });
});

describe("resolveReferences", () => {
  it("resolves an id the droplet carries directly, and the provider id it does not by dependency", () => {
    expect(resolve(["1001"], [])).toEqual({ targets: ["edge"], unresolved: [] });
    expect(resolve(["412000002"], [trading])).toEqual({ targets: ["trading"], unresolved: [] });
  });

  it("an id matched directly does not pull in the holder's other dependencies (dependsOn)", () => {
    expect(resolve(["1001"], [edge, trading])).toEqual({ targets: ["edge"], unresolved: [] });
  });

  it("a dependency on something that is no droplet (the VPC) does not resolve an unknown id", () => {
    expect(resolve(["999"], [vpc])).toEqual({ targets: [], unresolved: ["999"] });
  });

  it("each unmatched id needs a dependency of its own: the droplet matched by id does not vouch for it", () => {
    expect(resolve(["1001", "999"], [edge])).toEqual({ targets: ["edge"], unresolved: ["999"] });
  });
});

describe("publicTargetProblem", () => {
  const tags = {
    publicIngressTags: ["titan-edge", "titan-single"],
    tradingTags: ["titan-trading", "titan-exec"],
  };
  const problemOf = (own: string[]) => {
    const [d] = policyStack([droplet("d", "titan-edge", { tags: own })]);
    return publicTargetProblem(d as PolicyResource, tags);
  };

  it("names every trading tag the droplet carries, even beside a public-ingress tag", () => {
    expect(problemOf(["titan-edge", "titan-trading", "titan-exec"])).toBe(
      "is a trading droplet (tag titan-trading, titan-exec)",
    );
  });

  it("names the public-ingress tags a droplet lacks and the tags it has", () => {
    expect(problemOf([])).toBe(
      "carries none of the public-ingress tags (titan-edge, titan-single; it has no tags)",
    );
    expect(problemOf(["titan-misc", "titan-env-prod"])).toBe(
      "carries none of the public-ingress tags (titan-edge, titan-single; it has titan-misc, titan-env-prod)",
    );
  });

  it("accepts a droplet with a public-ingress tag and no trading tag", () => {
    expect(problemOf(["titan-env-prod", "titan-single"])).toBeUndefined();
  });
});
