import { describe, expect, it } from "vitest";
import type { EngineResource } from "../../../scripts/lib/policy-engine";
import { stackFirewallCoverage } from "../../policies/stack-firewall-coverage";
import { droplet, edgeFirewall, firewall, safeSplitTopology, tradingFirewall } from "../fixtures";
import { runStackPolicy, type TestResource } from "../helpers";

const asTest = (r: EngineResource): TestResource => ({
  type: r.type,
  name: r.name,
  urn: r.urn,
  props: r.properties,
});
const check = (rs: EngineResource[], config = {}) =>
  runStackPolicy(stackFirewallCoverage, rs.map(asTest), config);

describe("stack-firewall-coverage", () => {
  it("passes the safe split topology", async () => expect(await check(safeSplitTopology())).toEqual([]));

  it("reports an uncovered droplet", async () => {
    const [message] = await check([
      droplet("edge", "titan-edge"),
      droplet("trading", "titan-trading"),
      tradingFirewall(),
    ]);
    expect(message).toContain("Droplet 'edge'");
    expect(message).toContain("is not covered by any firewall. Fix:");
  });

  it("counts coverage by droplet id", async () => {
    const byId = firewall("by-id", [], [], [], { dropletIds: [1001] });
    expect(await check([droplet("edge", "titan-edge"), byId])).toEqual([]);
  });

  it("reports public inbound to the trading droplet through any covering firewall", async () => {
    const sneaky = firewall(
      "sneaky",
      [],
      [{ protocol: "tcp", portRange: "443", sourceAddresses: ["0.0.0.0/1", "128.0.0.0/1"] }],
      [],
      { dropletIds: ["1002"] },
    );
    const [message, ...rest] = await check([droplet("trading", "titan-trading"), tradingFirewall(), sneaky]);
    expect(rest).toEqual([]);
    expect(message).toContain("Trading droplet 'trading'");
    expect(message).toContain("public source(s) 0.0.0.0/1, 128.0.0.0/1 through firewall 'sneaky'");
  });

  it("reports the edge firewall when it also targets trading by tag", async () => {
    const shared = edgeFirewall();
    shared.properties.tags = ["titan-edge", "titan-trading"];
    const messages = await check([droplet("trading", "titan-trading"), shared]);
    expect(messages.length).toBeGreaterThanOrEqual(3);
  });
});
