import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { addressPort, dig, entries, parseYamlDocument } from "../../lib/traefik";

describe("traefik helpers", () => {
  it("parses YAML documents and reports errors", () => {
    expect(parseYamlDocument("a: 1")).toEqual({ ok: true, doc: { a: 1 } });
    expect(parseYamlDocument("- 1")).toEqual({ ok: true, doc: {} });
    expect(parseYamlDocument("b: &b { x: 1 }\na:\n  <<: *b\n  y: 2\n")).toEqual({
      ok: true,
      doc: { b: { x: 1 }, a: { x: 1, y: 2 } },
    });
    const bad = parseYamlDocument("a: [");
    expect(bad.ok).toBe(false);
  });

  it("reports the first line of the YAML error, whole", () => {
    let expected = "";
    try {
      parse("a: [");
    } catch (error) {
      expected = (error as Error).message.split("\n")[0] ?? "";
    }
    expect(expected.length).toBeGreaterThan(10);
    expect(parseYamlDocument("a: [")).toEqual({ ok: false, error: expected });
  });

  it("digs case-insensitively", () => {
    const doc = { EntryPoints: { web: { address: ":80" } } };
    expect(dig(doc, "entryPoints", "web", "address")).toBe(":80");
    expect(dig(doc, "missing", "x")).toBeUndefined();
    expect(dig("text", "a")).toBeUndefined();
    expect(entries(null)).toEqual([]);
    // A missing key is missing, even next to a key spelled "undefined".
    expect(dig({ undefined: ":80" }, "address")).toBeUndefined();
  });

  it("extracts ports from entry point addresses", () => {
    expect(addressPort(":80")).toBe(80);
    expect(addressPort("0.0.0.0:443/tcp")).toBe(443);
    expect(addressPort("[::]:80")).toBe(80);
    // The port is the last :digits, not the first digits after a colon inside an IPv6 address.
    expect(addressPort("[::1]:443")).toBe(443);
    expect(addressPort("[fd00::3]:80/tcp")).toBe(80);
    expect(addressPort(" :8080/UDP ")).toBe(8080);
    expect(addressPort("nohost")).toBeUndefined();
  });
});
