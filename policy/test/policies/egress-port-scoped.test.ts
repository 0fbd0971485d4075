import { describe, expect, it } from "vitest";
import { egressPortScoped } from "../../policies/egress-port-scoped";
import { EGRESS, type Rule, T } from "../fixtures";
import { runResourcePolicy } from "../helpers";

const check = (rules: Rule[]) =>
  runResourcePolicy(egressPortScoped, { type: T.firewall, name: "fw", props: { outboundRules: rules } });

describe("egress-port-scoped", () => {
  it("is advisory", () => expect(egressPortScoped.enforcementLevel).toBe("advisory"));

  it("passes port-scoped egress and all-ports egress to private peers", async () => {
    expect(
      await check([
        ...EGRESS,
        { protocol: "tcp", portRange: "all", destinationTags: ["titan-trading"] },
        { protocol: "icmp", destinationAddresses: ["0.0.0.0/0"] },
      ]),
    ).toEqual([]);
  });

  it("flags all ports to the internet, however written", async () => {
    for (const portRange of ["all", "0", "1-65535", "", undefined]) {
      const [message] = await check([
        { protocol: "TCP", portRange, destinationAddresses: ["0.0.0.0/1", "128.0.0.0/1"] },
      ]);
      expect(message).toContain("allows all ports to public destination(s) 0.0.0.0/1, 128.0.0.0/1");
      expect(message).toContain("Fix:");
    }
  });
});
