// Boundary cases for the address, port, firewall and Docker helpers.
import { describe, expect, it } from "vitest";
import {
  containerCommand,
  containerUploads,
  describePublished,
  publishedPorts,
  touchedPorts,
} from "../../lib/docker";
import { describeRule, firewallRules, publicPeers, resourceLabel, ruleCoversPort } from "../../lib/firewall";
import { containsRange, isCoveredBy, parseCidr } from "../../lib/net";
import { formatRange, parsePortRange, portsOutside } from "../../lib/ports";
import { sshSourceProblem } from "../../policies/ssh-allowlist-only";

const cidr = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(text);
  return parsed;
};

describe("address boundaries", () => {
  it("aligns host bits away", () => {
    expect(cidr("10.1.2.3/8").first).toBe(cidr("10.0.0.0/8").first);
    expect(cidr("10.1.2.3/8").last).toBe(cidr("10.255.255.255").last);
    expect(cidr("2001:db8::1/32").first).toBe(cidr("2001:db8::/32").first);
  });

  it("treats the IPv4-mapped block as IPv4 for prefix rules", () => {
    expect(cidr("::ffff:0:0/96")).toMatchObject({ family: "ipv4", prefix: 0 });
    expect(cidr("::ffff:0:0/95")).toMatchObject({ family: "ipv6", prefix: 95 });
    expect(
      sshSourceProblem("::ffff:0:0/96", { allowlist: ["0.0.0.0/0"], maxPrefixV4: 24, maxPrefixV6: 48 }),
    ).toContain("wider than /24");
  });

  it("computes coverage from unsorted, overlapping and adjacent ranges", () => {
    const whole = cidr("10.0.0.0/8");
    expect(isCoveredBy(whole, [cidr("10.128.0.0/9"), cidr("10.0.0.0/9")])).toBe(true);
    expect(isCoveredBy(whole, [cidr("10.0.0.0/10"), cidr("10.0.0.0/9"), cidr("10.128.0.0/9")])).toBe(true);
    expect(isCoveredBy(whole, [cidr("10.0.0.0/9"), cidr("10.128.0.1/32")])).toBe(false);
    expect(isCoveredBy(whole, [cidr("9.0.0.0/8"), cidr("10.0.0.0/9"), cidr("10.128.0.0/9")])).toBe(true);
    expect(isCoveredBy(whole, [cidr("10.0.0.0/9"), cidr("10.128.0.0/10")])).toBe(false);
    expect(isCoveredBy(cidr("10.0.0.5"), [cidr("10.0.0.5")])).toBe(true);
    expect(isCoveredBy(cidr("10.0.0.5"), [cidr("10.0.0.6")])).toBe(false);
  });

  it("checks containment at both ends", () => {
    const outer = cidr("10.0.0.0/24");
    expect(containsRange(outer, outer)).toBe(true);
    expect(containsRange(outer, cidr("10.0.0.255"))).toBe(true);
    expect(containsRange(outer, cidr("10.0.1.0"))).toBe(false);
    expect(containsRange(outer, cidr("9.255.255.255"))).toBe(false);
    expect(containsRange(cidr("10.0.0.128/25"), outer)).toBe(false);
  });
});

describe("port boundaries", () => {
  it("accepts the extremes and refuses just past them", () => {
    expect(parsePortRange("1")).toEqual({ from: 1, to: 1 });
    expect(parsePortRange("65535")).toEqual({ from: 65535, to: 65535 });
    expect(parsePortRange("65536")).toEqual({ from: 1, to: 65535 });
    expect(parsePortRange("5-5")).toEqual({ from: 5, to: 5 });
    expect(parsePortRange("6-5")).toEqual({ from: 1, to: 65535 });
    expect(parsePortRange("100000")).toEqual({ from: 1, to: 65535 });
    expect(parsePortRange("x22")).toEqual({ from: 1, to: 65535 });
    expect(parsePortRange("22x")).toEqual({ from: 1, to: 65535 });
    expect(parsePortRange("22-")).toEqual({ from: 1, to: 65535 });
  });

  it("lists gaps with duplicate, unsorted and out-of-range allowed ports", () => {
    expect(portsOutside({ from: 20, to: 30 }, [443, 22, 22, 7, 30])).toEqual(["20-21", "23-29"]);
    expect(portsOutside({ from: 22, to: 22 }, [22])).toEqual([]);
    expect(portsOutside({ from: 21, to: 23 }, [22])).toEqual(["21", "23"]);
    expect(formatRange({ from: 7, to: 7 })).toBe("7");
    expect(formatRange({ from: 7, to: 9 })).toBe("7-9");
    expect(formatRange({ from: 1, to: 65534 })).toBe("1-65534");
  });
});

describe("firewall rule reading", () => {
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

describe("docker helpers", () => {
  it("reads published ports with the 0.0.0.0 default", () => {
    const ports = publishedPorts({
      ports: [{ internal: "3100" }, { internal: 80, external: 8080, ip: " 127.0.0.1 " }, "junk"],
    });
    expect(ports).toEqual([
      { internal: 3100, external: undefined, ip: "0.0.0.0", isPublic: true },
      { internal: 80, external: 8080, ip: "127.0.0.1", isPublic: false },
    ]);
    const [first] = ports;
    if (!first) throw new Error("no port");
    expect(describePublished(first)).toBe("0.0.0.0:random host port->3100");
    expect(describePublished({ internal: undefined, external: 5, ip: "::", isPublic: true })).toBe(
      "[::]:5->?",
    );
    expect(touchedPorts({ internal: 5, external: 5, ip: "", isPublic: true })).toEqual([5]);
  });

  it("decodes uploads and reads the command", () => {
    expect(
      containerUploads({
        uploads: [
          { file: " /a ", content: "x" },
          { file: "/b", contentBase64: Buffer.from("y").toString("base64") },
          { file: "/c" },
        ],
      }),
    ).toEqual([
      { file: "/a", content: "x" },
      { file: "/b", content: "y" },
      { file: "/c", content: "" },
    ]);
    expect(containerCommand({ command: ["--a", 3, null] })).toEqual(["--a", "3"]);
  });
});
