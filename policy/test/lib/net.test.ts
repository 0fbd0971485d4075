import { describe, expect, it } from "vitest";
import { containsRange, isCoveredBy, isLoopback, isPublicSource, parseCidr } from "../../lib/net";
import { sshSourceProblem } from "../../policies/ssh-allowlist-only";

describe("net", () => {
  it("parses IPv4, IPv6, bare hosts and whitespace", () => {
    expect(parseCidr(" 10.0.0.0/8 ")).toMatchObject({ family: "ipv4", prefix: 8, text: "10.0.0.0/8" });
    expect(parseCidr("203.0.113.10")).toMatchObject({ family: "ipv4", prefix: 32 });
    expect(parseCidr("2001:db8::1")).toMatchObject({ family: "ipv6", prefix: 128 });
    expect(parseCidr("::ffff:10.0.0.0/104")).toMatchObject({ family: "ipv4", prefix: 8 });
    expect(parseCidr("nonsense")).toBeUndefined();
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
    expect(parseCidr("")).toBeUndefined();
  });

  it("maps IPv4 and IPv4-mapped IPv6 to the same range", () => {
    const a = parseCidr("10.1.0.0/16");
    const b = parseCidr("::ffff:10.1.0.0/112");
    expect(a?.first).toBe(b?.first);
    expect(a?.last).toBe(b?.last);
  });

  it("classifies public sources (any public address makes the range public)", () => {
    for (const pub of [
      "0.0.0.0/0",
      "::/0",
      "8.8.8.8",
      "2000::/3",
      "::ffff:0:0/96",
      "10.0.0.0/7",
      "0.0.0.0",
      "::",
      "172.32.0.0/16",
      "garbage",
      "fe00::/9",
    ]) {
      expect(isPublicSource(pub), pub).toBe(true);
    }
    for (const priv of [
      "10.0.0.0/8",
      "172.16.0.0/12",
      "192.168.1.0/24",
      "127.0.0.1",
      "169.254.0.0/16",
      "100.64.0.0/10",
      "::1",
      "fe80::/10",
      "fd00::/8",
      "::ffff:192.168.0.0/112",
    ]) {
      expect(isPublicSource(priv), priv).toBe(false);
    }
  });

  it("computes coverage by a union of ranges", () => {
    const whole = parseCidr("0.0.0.0/0");
    const halves = [parseCidr("0.0.0.0/1"), parseCidr("128.0.0.0/1")].flatMap((c) => (c ? [c] : []));
    if (!whole) throw new Error("parse");
    expect(isCoveredBy(whole, halves)).toBe(true);
    expect(isCoveredBy(whole, halves.slice(0, 1))).toBe(false);
    expect(isCoveredBy(whole, [])).toBe(false);
  });

  it("knows loopback", () => {
    expect(isLoopback("127.0.0.1")).toBe(true);
    expect(isLoopback("::1")).toBe(true);
    expect(isLoopback("10.0.0.1")).toBe(false);
    expect(isLoopback("x")).toBe(false);
  });
});

// Boundary cases for the address helpers.
describe("net: address boundaries", () => {
  const cidr = (text: string) => {
    const parsed = parseCidr(text);
    if (!parsed) throw new Error(text);
    return parsed;
  };

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
