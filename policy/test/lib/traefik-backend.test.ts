import { describe, expect, it } from "vitest";
import { parseServerAddress, parseServerUrl } from "../../lib/traefik-backend";

describe("Traefik server URLs", () => {
  it("reads scheme, host and port, with the scheme's default port", () => {
    expect(parseServerUrl("https://10.110.0.3:3100")).toEqual({
      ok: true,
      scheme: "https",
      host: "10.110.0.3",
      port: 3100,
    });
    expect(parseServerUrl(" HTTP://Titan-Console/ui?x=1 ")).toEqual({
      ok: true,
      scheme: "http",
      host: "titan-console",
      port: 80,
    });
    expect(parseServerUrl("https://gateway")).toEqual({
      ok: true,
      scheme: "https",
      host: "gateway",
      port: 443,
    });
    expect(parseServerUrl("h2c://exec:9000")).toEqual({ ok: true, scheme: "h2c", host: "exec", port: 9000 });
    expect(parseServerUrl("http://[FD00::3]:03100")).toEqual({
      ok: true,
      scheme: "http",
      host: "[fd00::3]",
      port: 3100,
    });
  });

  it("refuses what it cannot read", () => {
    const refused: [unknown, string][] = [
      [undefined, "it is not a string"],
      [3100, "it is not a string"],
      ["", "it is empty"],
      ['{{ env "X" }}', "it is a Go template, rendered only when Traefik loads the file"],
      ["http://{{ .Host }}:80", "it is a Go template, rendered only when Traefik loads the file"],
      ["http://u:p@host:80", "it carries credentials or an unexpected '@'"],
      // biome-ignore lint/security/noSecrets: a Traefik rule or URL, not a secret
      ["http://host:3100\\@evil", "it carries credentials or an unexpected '@'"],
      ["titan-brain:3100", "it is not scheme://host[:port][/path]"],
      ["http://-bad-:80", "it is not scheme://host[:port][/path]"],
      ["http://host:", "it is not scheme://host[:port][/path]"],
      ["http://host:123456", "it is not scheme://host[:port][/path]"],
      ["h2c://exec", "h2c has no default port"],
      ["ws://brain:3101", "scheme ws is not http, https or h2c"],
      ["http://host:0", "port 0 is out of range"],
      ["http://host:65536", "port 65536 is out of range"],
    ];
    for (const [value, reason] of refused)
      expect(parseServerUrl(value), String(value)).toEqual({ ok: false, reason });
  });
});

describe("Traefik TCP/UDP addresses", () => {
  it("requires host:port", () => {
    expect(parseServerAddress("titan-execution:3002")).toEqual({
      ok: true,
      scheme: "",
      host: "titan-execution",
      port: 3002,
    });
    expect(parseServerAddress("[::1]:6379")).toEqual({ ok: true, scheme: "", host: "[::1]", port: 6379 });
    expect(parseServerAddress("nats")).toEqual({ ok: false, reason: "it is not host:port" });
    expect(parseServerAddress("tcp://nats:4222")).toEqual({ ok: false, reason: "it is not host:port" });
    expect(parseServerAddress("nats:70000")).toEqual({ ok: false, reason: "port 70000 is out of range" });
    expect(parseServerAddress('{{ env "NATS" }}:4222')).toEqual({
      ok: false,
      reason: "it is a Go template, rendered only when Traefik loads the file",
    });
    expect(parseServerAddress(null)).toEqual({ ok: false, reason: "it is not a string" });
  });

  it("reads an address with surrounding spaces, so its port is still judged", () => {
    expect(parseServerAddress(" titan-execution:3002 ")).toEqual({
      ok: true,
      scheme: "",
      host: "titan-execution",
      port: 3002,
    });
  });
});

describe("Traefik backend ports", () => {
  it("accepts 1 to 65535 and nothing outside", () => {
    expect(parseServerUrl("http://host:1")).toEqual({ ok: true, scheme: "http", host: "host", port: 1 });
    expect(parseServerUrl("http://host:65535")).toEqual({
      ok: true,
      scheme: "http",
      host: "host",
      port: 65535,
    });
    expect(parseServerAddress("host:1")).toEqual({ ok: true, scheme: "", host: "host", port: 1 });
    expect(parseServerAddress("host:65535")).toEqual({ ok: true, scheme: "", host: "host", port: 65535 });
    expect(parseServerAddress("host:0")).toEqual({ ok: false, reason: "port 0 is out of range" });
    expect(parseServerAddress("host:65536")).toEqual({ ok: false, reason: "port 65536 is out of range" });
  });
});
