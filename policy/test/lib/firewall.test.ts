// Boundary cases for the firewall helpers.
import { describe, expect, it } from "vitest";
import { describeRule, firewallRules, publicPeers, resourceLabel, ruleCoversPort } from "../../lib/firewall";

describe("firewall: rule reading", () => {
  it("keeps non-text peers as empty strings so they count as public", () => {
    const [rule] = firewallRules(
      { inboundRules: [{ protocol: "tcp", portRange: "22", sourceAddresses: [null, 7, " 10.0.0.1 "] }] },
      "inbound",
    );
    if (!rule) throw new Error("no rule");
    expect(rule.addresses).toEqual(["", "7", "10.0.0.1"]);
    expect(publicPeers(rule)).toEqual(['""', "7"]);
    expect(ruleCoversPort(rule, 22)).toBe(true);
    expect(ruleCoversPort(rule, 23)).toBe(false);
  });

  it("reads outbound destinations and describes rules", () => {
    const [rule] = firewallRules(
      {
        outboundRules: [
          {
            protocol: "ICMP",
            destinationAddresses: ["::/0"],
            destinationTags: ["t"],
            destinationDropletIds: [1],
            destinationKubernetesIds: ["k"],
          },
        ],
      },
      "outbound",
    );
    if (!rule) throw new Error("no rule");
    expect(rule).toMatchObject({
      protocol: "icmp",
      ports: undefined,
      tags: ["t"],
      dropletIds: ["1"],
      kubernetesIds: ["k"],
    });
    expect(ruleCoversPort(rule, 1)).toBe(false);
    expect(describeRule(rule)).toBe("outbound rule #1 (icmp)");
    expect(resourceLabel("fw", "")).toBe("'fw'");
    expect(resourceLabel("fw", "urn:x")).toBe("'fw' (urn:x)");
  });
});
