import { describe, expect, it } from "vitest";
import { noPublicProtectedPorts } from "../../policies/no-public-protected-ports";
import { edgeFirewall, firewall, type Rule, tradingFirewall } from "../fixtures";
import { runResourcePolicy } from "../helpers";

const check = (rules: Rule[], config = {}) => {
  const fw = firewall("fw", ["titan-edge"], rules);
  return runResourcePolicy(
    noPublicProtectedPorts,
    { type: fw.type, name: fw.name, urn: fw.urn, props: fw.properties },
    config,
  );
};

describe("no-public-protected-ports", () => {
  it("passes the edge and trading firewalls", async () => {
    for (const fw of [edgeFirewall(), tradingFirewall()]) {
      expect(
        await runResourcePolicy(noPublicProtectedPorts, { type: fw.type, props: fw.properties }),
      ).toEqual([]);
    }
  });

  it("names the firewall, rule, source, port and fix", async () => {
    const [message, ...rest] = await check([
      { protocol: "tcp", portRange: "3100", sourceAddresses: ["0.0.0.0/0"] },
    ]);
    expect(rest).toEqual([]);
    expect(message).toContain("Firewall 'fw'");
    expect(message).toContain("inbound rule #1 (tcp ports 3100-3100)");
    expect(message).toContain("public source(s) 0.0.0.0/0 to protected port(s) 3100");
    expect(message).toContain("Fix:");
  });

  it("catches ranges covering several protected ports", async () => {
    const [message] = await check([{ protocol: "tcp", portRange: "3000-5500", sourceAddresses: ["::/0"] }]);
    expect(message).toContain("protected port(s) 3100, 3002, 4222, 5432");
  });

  it("ignores private sources, tags and ICMP", async () => {
    expect(
      await check([
        { protocol: "tcp", portRange: "all", sourceAddresses: ["10.0.0.0/8", "fd00::/8"] },
        { protocol: "tcp", portRange: "3100", sourceTags: ["titan-edge"] },
        { protocol: "icmp", sourceAddresses: ["0.0.0.0/0"] },
      ]),
    ).toEqual([]);
  });

  it("treats load balancers as public", async () => {
    const [message] = await check([{ protocol: "tcp", portRange: "6379", sourceLoadBalancerUids: ["lb-1"] }]);
    expect(message).toContain("load balancer lb-1");
  });

  it("honours configured ports", async () => {
    const rules = [{ protocol: "tcp", portRange: "9000", sourceAddresses: ["0.0.0.0/0"] }];
    expect(await check(rules)).toEqual([]);
    expect(await check(rules, { protectedPorts: [9000] })).toEqual([
      expect.stringContaining("to protected port(s) 9000."),
    ]);
  });

  it("ignores other resource types", async () => {
    expect(
      await runResourcePolicy(noPublicProtectedPorts, {
        type: "x:y:Z",
        props: { inboundRules: [{ sourceAddresses: ["0.0.0.0/0"] }] },
      }),
    ).toEqual([]);
  });
});
