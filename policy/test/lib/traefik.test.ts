import { describe, expect, it } from "vitest";
import { addressPort, backendPort, dig, entries, parseYamlDocument } from "../../lib/traefik";

describe("traefik helpers", () => {
  it("parses YAML documents and reports errors", () => {
    expect(parseYamlDocument("a: 1")).toEqual({ ok: true, doc: { a: 1 } });
    expect(parseYamlDocument("- 1")).toEqual({ ok: true, doc: {} });
    const bad = parseYamlDocument("a: [");
    expect(bad.ok).toBe(false);
  });

  it("digs case-insensitively", () => {
    const doc = { EntryPoints: { web: { address: ":80" } } };
    expect(dig(doc, "entryPoints", "web", "address")).toBe(":80");
    expect(dig(doc, "missing", "x")).toBeUndefined();
    expect(dig("text", "a")).toBeUndefined();
    expect(entries(null)).toEqual([]);
  });

  it("extracts ports from addresses and URLs", () => {
    expect(addressPort(":80")).toBe(80);
    expect(addressPort("0.0.0.0:443/tcp")).toBe(443);
    expect(addressPort("[::]:80")).toBe(80);
    expect(addressPort(" :8080/UDP ")).toBe(8080);
    expect(addressPort("nohost")).toBeUndefined();
    expect(backendPort("http://brain:3100/x")).toBe(3100);
    expect(backendPort("https://console")).toBe(443);
    expect(backendPort("http://console")).toBe(80);
    expect(backendPort("h2c://exec")).toBeUndefined();
    expect(backendPort("titan-execution:3002")).toBe(3002);
    expect(backendPort("http://[bad")).toBeUndefined();
  });
});
