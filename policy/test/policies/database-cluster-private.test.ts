import { describe, expect, it } from "vitest";
import type { EngineResource } from "../../../scripts/engine/policy-engine";
import { databaseClusterPrivate } from "../../policies/database-cluster-private";
import { asTestResource } from "../as-test-resource";
import { resource } from "../fixtures";
import { runStackPolicy } from "../helpers";

const CLUSTER = "digitalocean:index/databaseCluster:DatabaseCluster";
const FIREWALL = "digitalocean:index/databaseFirewall:DatabaseFirewall";
const CLUSTER_URN = `urn:pulumi:prod::titan::${CLUSTER}::pg`;
const FW_URN = `urn:pulumi:prod::titan::${FIREWALL}::pg-fw`;

const cluster = (extra: Record<string, unknown> = {}) =>
  resource(CLUSTER, "pg", {
    engine: "pg",
    nodeCount: 1,
    region: "fra1",
    size: "db-s-1vcpu-1gb",
    privateNetworkUuid: "3f2a-vpc",
    ...extra,
  });
// The program passes cluster.id: the input holds the provider id, the dependency names the cluster.
const firewall = (
  rules: unknown,
  clusterId: unknown = "pg-cluster-id",
  dependencies = [CLUSTER_URN],
): EngineResource => ({
  ...resource(FIREWALL, "pg-fw", { clusterId, rules }),
  dependencies,
});
const TRADING_TAG = [{ type: "tag", value: "titan-trading" }];
const check = (rs: EngineResource[]) => runStackPolicy(databaseClusterPrivate, rs.map(asTestResource));

describe("database-cluster-private", () => {
  it("accepts a VPC cluster whose firewall trusts the trading tag, a droplet and a private range", async () => {
    const rules = [
      ...TRADING_TAG,
      { type: "droplet", value: "1002" },
      { type: "ip_addr", value: "10.110.0.0/20" },
    ];
    expect(await check([cluster(), firewall(rules)])).toEqual([]);
    // Resolved by the cluster's id when the engine sends it (outputs), with no dependency recorded.
    expect(await check([cluster({ id: "c-1" }), firewall(TRADING_TAG, "c-1", [])])).toEqual([]);
  });

  it("refuses a cluster without a firewall, and one outside a private network", async () => {
    expect(await check([cluster({ privateNetworkUuid: "" })])).toEqual([
      `Database cluster 'pg' (${CLUSTER_URN}) has no privateNetworkUuid, so it is not placed in the stack's VPC. Fix: set privateNetworkUuid to the VPC's id.`,
      `Database cluster 'pg' (${CLUSTER_URN}) has no database firewall with a trusted source, so every address on the internet may try to connect. ` +
        "Fix: add a DatabaseFirewall whose clusterId is this cluster and whose rules trust only the trading droplet (tag or id) or private addresses.",
    ]);
  });

  it("does not count a firewall with no rules, or one for another cluster", async () => {
    const [empty] = await check([cluster(), firewall([])]);
    expect(empty).toContain("has no database firewall with a trusted source");
    const other = firewall(TRADING_TAG, "other-cluster", []);
    expect(await check([cluster(), other])).toEqual([expect.stringContaining("has no database firewall")]);
  });

  it("refuses public ip_addr rules in any spelling, and app rules", async () => {
    expect(
      await check([cluster(), firewall([...TRADING_TAG, { type: "ip_addr", value: "0.0.0.0/0" }])]),
    ).toEqual([
      `Database firewall 'pg-fw' (${FW_URN}): rule #2 (ip_addr '0.0.0.0/0') trusts a public (or unreadable) address range. Fix: trust only private VPC addresses, or the trading droplet by tag or id.`,
    ]);
    // Adversarial: camelCase type, IPv4-mapped IPv6, a split range, an unreadable value.
    for (const [type, value] of [
      ["ipAddr", "::ffff:0:0/96"],
      [" IP_ADDR ", "128.0.0.0/1"],
      ["ip_addr", "not-an-address"],
      ["ip_addr", "203.0.113.10"],
    ]) {
      const messages = await check([cluster(), firewall([{ type, value }])]);
      expect(messages, `${type} ${value}`).toEqual([
        expect.stringContaining("trusts a public (or unreadable) address range."),
      ]);
    }
    const [app] = await check([cluster(), firewall([{ type: "app", value: "a1b2" }])]);
    expect(app).toBe(
      `Database firewall 'pg-fw' (${FW_URN}): rule #1 (app 'a1b2') trusts an App Platform app, which runs outside Titan's firewalls and can publish routes to the internet. Fix: trust the trading droplet by tag or id instead.`,
    );
  });

  it("refuses a trusted-source type it does not know (fail closed)", async () => {
    const [message] = await check([cluster(), firewall([{ type: "vpc", value: "3f2a-vpc" }])]);
    expect(message).toContain("rule #1 (vpc '3f2a-vpc') has a trusted-source type the pack does not know");
    const [missing] = await check([cluster(), firewall([{ value: "10.0.0.0/8" }])]);
    expect(missing).toContain(
      "rule #1 (no type '10.0.0.0/8') has a trusted-source type the pack does not know",
    );
  });
});

describe("database-cluster-private: what guards a cluster", () => {
  const unguarded = (name: string) =>
    `Database cluster '${name}' (urn:pulumi:prod::titan::${CLUSTER}::${name}) has no database firewall with a trusted source, so every address on the internet may try to connect. ` +
    "Fix: add a DatabaseFirewall whose clusterId is this cluster and whose rules trust only the trading droplet (tag or id) or private addresses.";

  it("an ip_addr rule with no value is unreadable, shown empty (fail closed)", async () => {
    expect(await check([cluster(), firewall([...TRADING_TAG, { type: "ip_addr" }])])).toEqual([
      `Database firewall 'pg-fw' (${FW_URN}): rule #2 (ip_addr '') trusts a public (or unreadable) address range. Fix: trust only private VPC addresses, or the trading droplet by tag or id.`,
    ]);
  });

  it("guards only the cluster its clusterId property depends on, not every cluster the firewall depends on", async () => {
    const other = resource(CLUSTER, "pg2", { privateNetworkUuid: "3f2a-vpc" });
    const resources = [
      cluster(),
      other,
      firewall(TRADING_TAG, "pg-cluster-id", [CLUSTER_URN, other.urn]),
    ].map(asTestResource);
    const fw = resources.at(-1);
    if (!fw) throw new Error("no firewall");
    fw.propertyDependencies = { clusterId: [CLUSTER_URN] };
    expect(await runStackPolicy(databaseClusterPrivate, resources)).toEqual([unguarded("pg2")]);
  });

  it("only a database firewall guards: another resource with rules and a clusterId does not", async () => {
    const pool = {
      ...resource("digitalocean:index/databaseConnectionPool:DatabaseConnectionPool", "pool", {
        clusterId: "pg-cluster-id",
        rules: TRADING_TAG,
      }),
      dependencies: [CLUSTER_URN],
    };
    expect(await check([cluster(), pool])).toEqual([unguarded("pg")]);
  });
});
