import { describe, expect, it } from "vitest";
import type { EngineResource } from "../../../scripts/engine/policy-engine";
import { stackFirewallCoverage } from "../../policies/stack-firewall-coverage";
import { droplet, edgeFirewall, firewall, safeSplitTopology, T, tradingFirewall } from "../fixtures";
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
    const [port, message, ...rest] = await check([
      droplet("trading", "titan-trading"),
      tradingFirewall(),
      sneaky,
    ]);
    expect(rest).toEqual([]);
    expect(port).toContain("is reachable on port(s) 443 through firewall 'sneaky'");
    expect(message).toContain("Trading droplet 'trading'");
    expect(message).toContain("public source(s) 0.0.0.0/1, 128.0.0.0/1 through firewall 'sneaky'");
  });

  it("refuses edge→trading ports other than 22 and 3100 (3002, 4222, ranges, all), accepts the two", async () => {
    const edgeRule = (portRange: string) =>
      firewall("extra", [], [{ protocol: "tcp", portRange, sourceTags: ["titan-edge"] }], [], {
        tags: ["titan-trading"],
      });
    const run = (portRange: string) =>
      check([droplet("trading", "titan-trading"), tradingFirewall(), edgeRule(portRange)]);
    const [m3002] = await run("3002");
    expect(m3002).toMatch(
      /^Trading droplet 'trading' \(urn:[^)]+\) is reachable on port\(s\) 3002 through firewall 'extra'/,
    );
    expect(m3002).toContain(
      "Fix: trading takes inbound traffic only on 22, 3100 (SSH through the bastion, the brain gateway), from the edge by tag.",
    );
    // Nothing on the edge speaks NATS any more: 4222 from the edge is refused too.
    expect((await run("4222"))[0]).toContain("is reachable on port(s) 4222 through firewall 'extra'");
    expect((await run("3000-4300"))[0]).toContain("is reachable on port(s) 3000-3099, 3101-4300 through");
    expect((await run("all"))[0]).toContain("is reachable on port(s) 1-21, 23-3099, 3101-65535 through");
    for (const ok of ["22", "3100"]) expect(await run(ok), ok).toEqual([]);
  });

  it("reports the edge firewall when it also targets trading by tag", async () => {
    const shared = edgeFirewall();
    shared.properties.tags = ["titan-edge", "titan-trading"];
    const messages = await check([droplet("trading", "titan-trading"), shared]);
    // Every rule of the edge's firewall now lands on trading: web ports and public sources alike.
    const via = (rule: string) =>
      `through firewall 'edge-fw' (urn:pulumi:prod::titan::digitalocean:index/firewall:Firewall::edge-fw) inbound rule ${rule}`;
    expect(messages).toEqual([
      expect.stringContaining(`is reachable on port(s) 80 ${via("#1 (tcp ports 80-80)")}`),
      expect.stringContaining(
        `is reachable from public source(s) 0.0.0.0/0, ::/0 ${via("#1 (tcp ports 80-80)")}`,
      ),
      expect.stringContaining(`is reachable on port(s) 443 ${via("#2 (tcp ports 443-443)")}`),
      expect.stringContaining(
        `is reachable from public source(s) 0.0.0.0/0, ::/0 ${via("#2 (tcp ports 443-443)")}`,
      ),
      expect.stringContaining(
        `is reachable from public source(s) 203.0.113.10/32, 198.51.100.0/28, 2001:db8:1234::/48 ${via("#3 (tcp ports 22-22)")}`,
      ),
      expect.stringContaining(`is reachable from public source(s) 0.0.0.0/0, ::/0 ${via("#4 (icmp)")}`),
    ]);
  });
});

// Edge cases: branches the tests above do not reach: defaults, alternative spellings, display details.
describe("stack-firewall-coverage: edge cases", () => {
  it("does not match empty droplet ids", async () => {
    const d = droplet("edge", "titan-edge", { id: "", tags: [] });
    const fw = { type: T.firewall, props: { dropletIds: [""], tags: [] } };
    expect(
      await runStackPolicy(stackFirewallCoverage, [{ type: d.type, props: d.properties }, fw]),
    ).toHaveLength(1);
  });
});
