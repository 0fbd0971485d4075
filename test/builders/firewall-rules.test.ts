import { describe, expect, it } from "vitest";
import { ANYWHERE, buildFirewallRules } from "../../infra/builders/firewall-rules";

const allow = ["203.0.113.10/32"];
const ports = (rules: { portRange?: string }[]) => rules.map((r) => r.portRange);

describe("buildFirewallRules", () => {
  it("edge: web from anywhere, SSH from the allow-list only", () => {
    const { inbound } = buildFirewallRules("edge", allow);
    expect(
      inbound
        .filter((r) => r.sourceAddresses === undefined || r.sourceAddresses.includes("0.0.0.0/0"))
        .map((r) => r.portRange),
    ).toEqual(["80", "443"]);
    expect(inbound.find((r) => r.portRange === "22")?.sourceAddresses).toEqual(allow);
    expect(inbound.every((r) => r.protocol === "tcp")).toBe(true);
  });

  it("trading: no public address in any inbound rule; the edge tag on 22 and 3100 (no NATS from the edge)", () => {
    const { inbound } = buildFirewallRules("trading", allow);
    expect(inbound.every((r) => r.sourceAddresses === undefined)).toBe(true);
    expect(inbound.every((r) => r.sourceTags?.length === 1 && r.sourceTags[0] === "titan-edge")).toBe(true);
    expect(ports(inbound)).toEqual(["22", "3100"]);
    expect(ports(inbound)).not.toContain("3002");
  });

  it("single: 80/443 public and 22 allow-listed, nothing else", () => {
    const { inbound } = buildFirewallRules("single", allow);
    expect(ports(inbound)).toEqual(["80", "443", "22"]);
  });

  it("every outbound rule names one port; only the edge reaches trading", () => {
    for (const role of ["edge", "trading", "single"] as const) {
      const { outbound } = buildFirewallRules(role, allow);
      for (const r of outbound) expect(r.portRange).toMatch(/^\d+$/);
      expect(outbound.some((r) => r.destinationTags?.includes("titan-trading"))).toBe(role === "edge");
    }
    const { outbound } = buildFirewallRules("trading", allow);
    expect(
      outbound
        .filter((r) => r.destinationAddresses?.join() === ANYWHERE.join())
        .map((r) => `${r.protocol}/${r.portRange}`),
    ).toEqual(["udp/53", "tcp/53", "udp/123", "tcp/443", "tcp/80"]);
  });

  it("refuses an empty allow-list rather than emitting an SSH rule without sources", () => {
    expect(() => buildFirewallRules("edge", [])).toThrow(/sshAllowlist/);
  });

  it("returns fresh arrays: callers cannot mutate the shared egress list", () => {
    const a = buildFirewallRules("edge", allow);
    a.outbound[0]?.destinationAddresses?.push("10.0.0.0/8");
    expect(buildFirewallRules("edge", allow).outbound[0]?.destinationAddresses).toEqual(ANYWHERE);
  });
});
