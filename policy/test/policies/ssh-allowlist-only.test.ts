import { describe, expect, it } from "vitest";
import { sshAllowlistOnly, sshSourceProblem } from "../../policies/ssh-allowlist-only";
import { PROD_ALLOWLIST, type Rule, T } from "../fixtures";
import { runResourcePolicy } from "../helpers";

const prod = { allowlist: PROD_ALLOWLIST, maxPrefixV4: 24, maxPrefixV6: 48 };
const check = (rules: Rule[], config: Record<string, unknown> = prod) =>
  runResourcePolicy(
    sshAllowlistOnly,
    { type: T.firewall, name: "edge-fw", props: { inboundRules: rules } },
    config,
  );

describe("ssh-allowlist-only", () => {
  it("passes allow-listed addresses, narrower sub-ranges and tags", async () => {
    expect(
      await check([
        {
          protocol: "tcp",
          portRange: "22",
          sourceAddresses: [...PROD_ALLOWLIST, "198.51.100.4/30", "2001:db8:1234:5::/64"],
        },
        { protocol: "tcp", portRange: "22", sourceTags: ["titan-edge"] },
      ]),
    ).toEqual([]);
  });

  it("refuses the internet with a message naming the rule and the fix", async () => {
    const [message] = await check([{ protocol: "tcp", portRange: "22", sourceAddresses: ["0.0.0.0/0"] }]);
    expect(message).toContain("Firewall 'edge-fw'");
    expect(message).toContain("0.0.0.0/0 is wider than /24");
    expect(message).toContain(
      "Fix: admit 22 only from allow-listed CIDRs no wider than /24 (IPv4) or /48 (IPv6)",
    );
  });

  it("refuses narrow addresses outside the allow-list", async () => {
    const [message] = await check([{ protocol: "tcp", portRange: "20-30", sourceAddresses: ["192.0.2.1"] }]);
    expect(message).toContain("192.0.2.1 is not inside the SSH allow-list");
  });

  it("refuses wide IPv6, unparseable sources and load balancers", async () => {
    const [message] = await check([
      {
        protocol: "tcp",
        portRange: "22",
        sourceAddresses: ["2001:db8::/32", "not-an-ip"],
        sourceLoadBalancerUids: ["lb"],
      },
    ]);
    expect(message).toContain("2001:db8::/32 is wider than /48");
    expect(message).toContain("'not-an-ip' is not a valid address");
    expect(message).toContain("load balancer lb forwards internet traffic");
  });

  it("refuses everything but tags when no allow-list is configured", async () => {
    expect(
      await check([{ protocol: "tcp", portRange: "22", sourceAddresses: ["203.0.113.10/32"] }], {}),
    ).toHaveLength(1);
    expect(await check([{ protocol: "tcp", portRange: "22", sourceTags: ["bastion"] }], {})).toEqual([]);
  });

  it("ignores rules that do not reach 22", async () => {
    expect(
      await check([
        { protocol: "tcp", portRange: "443", sourceAddresses: ["0.0.0.0/0"] },
        { protocol: "icmp", sourceAddresses: ["0.0.0.0/0"] },
      ]),
    ).toEqual([]);
  });

  it("checks the prefix against the widest allowed, even inside the allow-list", () => {
    const wideList = { allowlist: ["0.0.0.0/0"], maxPrefixV4: 24, maxPrefixV6: 48 };
    expect(sshSourceProblem("203.0.113.0/24", wideList)).toBeUndefined();
    expect(sshSourceProblem("203.0.113.0/23", wideList)).toContain("wider than /24");
    expect(sshSourceProblem("::ffff:203.0.113.10/128", prod)).toBeUndefined();
  });
});
