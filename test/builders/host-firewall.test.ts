import { describe, expect, it } from "vitest";
import {
  buildHostFirewallScript,
  buildHostFirewallUnit,
  FIREWALL_SCRIPT_PATH,
} from "../../infra/builders/host-firewall";
import { INTERNAL_PORTS } from "../../infra/model/ports";

describe("host firewall", () => {
  it("covers every internal port of DESIGN.md §2 by default", () => {
    expect([...INTERNAL_PORTS].sort()).toEqual([3002, 3100, 4222, 5432, 6379, 8222]);
  });

  it("matches the original destination port (Docker DNATs before DOCKER-USER) for v4 and v6", () => {
    const s = buildHostFirewallScript({ publicInterface: "eth0", internalPorts: INTERNAL_PORTS });
    expect(s).toContain("--ctorigdstport");
    expect(s).toContain("--ctdir ORIGINAL");
    expect(s).toContain("for ipt in iptables ip6tables");
    expect(s).toContain("for parent in DOCKER-USER INPUT");
    expect(s.startsWith("#!/bin/sh\n")).toBe(true);
    expect(s).toContain("set -eu");
  });

  it("runs after docker.service and again whenever docker restarts", () => {
    const u = buildHostFirewallUnit();
    expect(u).toMatch(/^After=docker\.service/m);
    expect(u).toMatch(/^PartOf=docker\.service$/m);
    expect(u).toMatch(/^WantedBy=.*docker\.service/m);
    expect(u).toContain(`ExecStart=${FIREWALL_SCRIPT_PATH}`);
  });

  it("rejects unsafe input", () => {
    expect(() => buildHostFirewallScript({ publicInterface: "eth0'", internalPorts: [3100] })).toThrow();
    expect(() => buildHostFirewallScript({ publicInterface: "eth0", internalPorts: [] })).toThrow();
    expect(() => buildHostFirewallScript({ publicInterface: "eth0", internalPorts: [1.5] })).toThrow();
  });
});
