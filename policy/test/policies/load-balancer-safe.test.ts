import { describe, expect, it } from "vitest";
import type { EngineResource } from "../../../scripts/engine/policy-engine";
import { loadBalancerSafe } from "../../policies/load-balancer-safe";
import { asTestResource } from "../as-test-resource";
import { droplet, resource } from "../fixtures";
import { runStackPolicy } from "../helpers";

const LB = "digitalocean:index/loadBalancer:LoadBalancer";
const LB_URN = `urn:pulumi:prod::titan::${LB}::web-lb`;
const https = (targetPort: unknown) => ({
  entryProtocol: "https",
  entryPort: 443,
  targetProtocol: "http",
  targetPort,
  certificateName: "console",
});
const lb = (props: Record<string, unknown>, dependencies?: string[]): EngineResource => ({
  ...resource(LB, "web-lb", { region: "fra1", ...props }),
  ...(dependencies ? { dependencies } : {}),
});
const stack = (...extra: EngineResource[]) => [
  droplet("edge", "titan-edge"),
  droplet("trading", "titan-trading"),
  ...extra,
];
const check = (rs: EngineResource[], config = {}) =>
  runStackPolicy(loadBalancerSafe, rs.map(asTestResource), config);

describe("load-balancer-safe", () => {
  it("accepts an HTTPS load balancer onto the edge tag, with HTTP redirected", async () => {
    const safe = lb({
      dropletTag: "titan-edge",
      redirectHttpToHttps: true,
      forwardingRules: [
        https(443),
        { entryProtocol: "http", entryPort: 80, targetProtocol: "http", targetPort: 80 },
      ],
    });
    expect(await check(stack(safe))).toEqual([]);
  });

  it("refuses forwarding to a protected port, naming the rule and the port", async () => {
    expect(await check(stack(lb({ dropletTag: "titan-edge", forwardingRules: [https(3100)] })))).toEqual([
      `Load balancer 'web-lb' (${LB_URN}): forwarding rule #1 (https 443 -> http 3100) forwards internet traffic to protected internal port 3100. ` +
        "Fix: a load balancer may forward only to 80, 443 (the edge proxy); brain, execution, NATS, Postgres and Redis are never public (DESIGN §2).",
    ]);
    for (const port of [3002, 4222, 8222, 5432, 6379, 3101]) {
      const [message] = await check(stack(lb({ dropletTag: "titan-edge", forwardingRules: [https(port)] })));
      expect(message, String(port)).toContain(`to protected internal port ${port}.`);
    }
  });

  it("refuses other target ports, unreadable ones, and a global LB's targetPort", async () => {
    const [other] = await check(stack(lb({ dropletTag: "titan-edge", forwardingRules: [https(22)] })));
    expect(other).toContain("forwards to port 22, which is not an allowed target port (80, 443).");
    // Adversarial: a port written as text is read as that port; garbage counts as any port.
    const [asText] = await check(stack(lb({ dropletTag: "titan-edge", forwardingRules: [https(" 4222 ")] })));
    expect(asText).toContain("to protected internal port 4222.");
    const [garbage] = await check(stack(lb({ dropletTag: "titan-edge", forwardingRules: [https("all")] })));
    expect(garbage).toContain(
      'forwarding rule #1 (https 443 -> http all) has an unreadable targetPort ("all"); counted as any port.',
    );
    const [glb] = await check(
      stack(lb({ type: "GLOBAL", glbSettings: { targetProtocol: "http", targetPort: 5432 } })),
    );
    expect(glb).toContain(
      `Load balancer 'web-lb' (${LB_URN}): glbSettings forwards internet traffic to protected internal port 5432.`,
    );
  });

  it("refuses plain HTTP without redirectHttpToHttps, whatever the case of the protocol", async () => {
    const http = { entryProtocol: " HTTP ", entryPort: 80, targetProtocol: "http", targetPort: 80 };
    expect(await check(stack(lb({ dropletTag: "titan-edge", forwardingRules: [https(443), http] })))).toEqual(
      [
        `Load balancer 'web-lb' (${LB_URN}): forwarding rule(s) #2 accept plain HTTP and redirectHttpToHttps is not true. Fix: set redirectHttpToHttps: true so no request is served over HTTP.`,
      ],
    );
    const truthyText = lb({ dropletTag: "titan-edge", redirectHttpToHttps: "true", forwardingRules: [http] });
    expect(await check(stack(truthyText))).toHaveLength(1);
  });

  it("refuses a trading tag or any tag that is not public-ingress", async () => {
    const [trading] = await check(stack(lb({ dropletTag: "titan-trading", forwardingRules: [https(443)] })));
    expect(trading).toBe(
      `Load balancer 'web-lb' (${LB_URN}) targets droplets by tag 'titan-trading', which is not a public-ingress tag (titan-edge, titan-single). Fix: a load balancer may target only the edge droplets, by their public-ingress tag.`,
    );
    expect(
      await check(stack(lb({ dropletTag: "titan-env-prod", forwardingRules: [https(443)] }))),
    ).toHaveLength(1);
    expect(
      await check(stack(lb({ dropletTag: { tag: "titan-edge" }, forwardingRules: [https(443)] }))),
    ).toHaveLength(1);
  });

  it("resolves dropletIds by id and by dependency, refusing the trading droplet", async () => {
    const [byId] = await check(stack(lb({ dropletIds: [1002], forwardingRules: [https(443)] })));
    expect(byId).toBe(
      `Load balancer 'web-lb' (${LB_URN}) targets droplet 'trading' (urn:pulumi:prod::titan::digitalocean:index/droplet:Droplet::trading), which is a trading droplet (tag titan-trading). ` +
        "Fix: a load balancer may target only droplets carrying a public-ingress tag; the trading plane is never behind one.",
    );
    expect(await check(stack(lb({ dropletIds: [1001], forwardingRules: [https(443)] })))).toEqual([]);
    // Inputs carry the id output, which droplet inputs lack: the dependency names the droplet.
    const tradingUrn = "urn:pulumi:prod::titan::digitalocean:index/droplet:Droplet::trading";
    const viaDependency = lb({ dropletIds: [412000002], forwardingRules: [https(443)] }, [tradingUrn]);
    expect((await check(stack(viaDependency)))[0]).toContain("targets droplet 'trading'");
  });

  it("does not let a foreign literal id hide behind another reference's dependency (adversarial)", async () => {
    const edgeUrn = "urn:pulumi:prod::titan::digitalocean:index/droplet:Droplet::edge";
    const mixed = lb({ dropletIds: [412000001, 999], forwardingRules: [https(443)] }, [edgeUrn]);
    expect(await check(stack(mixed))).toEqual([
      expect.stringContaining(
        "targets droplet id(s) '412000001', '999' that resolve to no droplet of this stack",
      ),
    ]);
    const both = lb({ dropletIds: [412000001, 999] }, [
      edgeUrn,
      "urn:pulumi:prod::titan::digitalocean:index/droplet:Droplet::trading",
    ]);
    expect(await check(stack(both))).toEqual([expect.stringContaining("targets droplet 'trading'")]);
  });

  it("refuses a renamed trading tag and ids it cannot resolve (fail closed)", async () => {
    const renamed = droplet("trading", "titan-trading", { tags: ["titan-backend"] });
    const [message] = await check([renamed, lb({ dropletIds: ["1002"], forwardingRules: [https(443)] })]);
    expect(message).toContain(
      "which carries none of the public-ingress tags (titan-edge, titan-single; it has titan-backend).",
    );
    const [unknown] = await check(stack(lb({ dropletIds: [999], forwardingRules: [https(443)] })));
    expect(unknown).toContain(
      "targets droplet id(s) '999' that resolve to no droplet of this stack, so the pack cannot tell whether they are trading droplets (fail closed).",
    );
  });

  it("reads its config", async () => {
    const rs = stack(lb({ dropletTag: "titan-edge", forwardingRules: [https(8443)] }));
    expect(await check(rs, { allowedTargetPorts: [443, 8443] })).toEqual([]);
  });
});

describe("load-balancer-safe: unreadable rules and what counts as a target", () => {
  const edgeUrn = "urn:pulumi:prod::titan::digitalocean:index/droplet:Droplet::edge";
  const tradingUrn = "urn:pulumi:prod::titan::digitalocean:index/droplet:Droplet::trading";

  it("a forwarding rule that names nothing is shown as such and counted as any port (fail closed)", async () => {
    expect(await check(stack(lb({ dropletTag: "titan-edge", forwardingRules: [{}] })))).toEqual([
      `Load balancer 'web-lb' (${LB_URN}): forwarding rule #1 (? ? -> ? ?) has an unreadable targetPort (undefined); counted as any port. Fix: set targetPort to 80 or 443.`,
    ]);
  });

  it("names every plain-HTTP rule", async () => {
    const http = (entryPort: number) => ({
      entryProtocol: "http",
      entryPort,
      targetProtocol: "http",
      targetPort: 80,
    });
    expect(
      await check(
        stack(lb({ dropletTag: "titan-edge", forwardingRules: [http(80), https(443), http(8080)] })),
      ),
    ).toEqual([
      `Load balancer 'web-lb' (${LB_URN}): forwarding rule(s) #1, #3 accept plain HTTP and redirectHttpToHttps is not true. Fix: set redirectHttpToHttps: true so no request is served over HTTP.`,
    ]);
  });

  it("a null dropletTag (unset in state) is no tag", async () => {
    expect(
      await check(stack(lb({ dropletTag: null, dropletIds: [1001], forwardingRules: [https(443)] }))),
    ).toEqual([]);
  });

  it("an id held by a resource that is not a droplet resolves to no droplet (fail closed)", async () => {
    const volume = resource("digitalocean:index/volume:Volume", "data", { id: "999", name: "data" });
    const [message] = await check([
      ...stack(lb({ dropletIds: [999], forwardingRules: [https(443)] })),
      volume,
    ]);
    expect(message).toBe(
      `Load balancer 'web-lb' (${LB_URN}) targets droplet id(s) '999' that resolve to no droplet of this stack, so the pack cannot tell whether they are trading droplets (fail closed). Fix: target the edge by dropletTag, or by the ids of this stack's edge droplets.`,
    );
  });

  it("resolves an unreadable id through the dropletIds property's dependency, not through dependsOn", async () => {
    const resources = stack(
      lb({ dropletIds: [412000001], forwardingRules: [https(443)] }, [edgeUrn, tradingUrn]),
    ).map(asTestResource);
    const theLb = resources.at(-1);
    if (!theLb) throw new Error("no load balancer");
    theLb.propertyDependencies = { dropletIds: [edgeUrn] };
    expect(await runStackPolicy(loadBalancerSafe, resources)).toEqual([]);
  });

  it("judges only load balancers: a firewall attached to the trading droplet by id is not one", async () => {
    const firewall = resource("digitalocean:index/firewall:Firewall", "trading-fw", {
      name: "trading-fw",
      dropletIds: [1002],
    });
    expect(await check(stack(firewall))).toEqual([]);
  });
});
