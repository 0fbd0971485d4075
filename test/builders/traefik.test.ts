import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  buildTraefikDynamic,
  buildTraefikStatic,
  LETSENCRYPT_PRODUCTION,
  LETSENCRYPT_STAGING,
  type TraefikStaticInput,
} from "../../infra/builders/traefik";

const SCHEMA_DIR = join(__dirname, "..", "..", "schemas");

function validator(file: string): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true });
  return ajv.compile(JSON.parse(readFileSync(join(SCHEMA_DIR, file), "utf8")) as object);
}
const validateStatic = validator("traefik-v3.json");
const validateDynamic = validator("traefik-v3-file-provider.json");

const STATIC: TraefikStaticInput = { acmeEmail: "ops@example.com", acmeStaging: false };
const DOMAIN = "helm.example.com";

interface Dynamic {
  http: {
    routers: Record<
      string,
      { rule: string; entryPoints: string[]; service: string; middlewares: string[]; tls: object }
    >;
    services: Record<string, { loadBalancer: { servers: Array<{ url: string }> } }>;
    middlewares: Record<string, Record<string, Record<string, unknown>>>;
  };
  tls: { options: { default: { minVersion: string; sniStrict: boolean } } };
}

describe("buildTraefikStatic", () => {
  it.each([
    ["production http-01", STATIC],
    ["staging tls-alpn-01", { ...STATIC, acmeStaging: true, acmeChallenge: "tls" as const }],
  ])("validates against Traefik's v3 static schema (%s)", (_name, input) => {
    const config = parse(buildTraefikStatic(input)) as unknown;
    expect(validateStatic(config), JSON.stringify(validateStatic.errors)).toBe(true);
  });

  it("redirects web to websecure, keeps ping internal, file provider only, no API", () => {
    const c = parse(buildTraefikStatic(STATIC));
    expect(c.entryPoints.web).toMatchObject({
      address: ":80",
      http: { redirections: { entryPoint: { to: "websecure", scheme: "https" } } },
    });
    expect(c.entryPoints.websecure.address).toBe(":443");
    expect(c.entryPoints.ping.address).toBe(":8082");
    expect(c.ping).toEqual({ entryPoint: "ping" });
    expect(Object.keys(c.providers)).toEqual(["file"]);
    expect(c.providers.file).toEqual({ directory: "/etc/traefik/dynamic", watch: false });
    expect(c.api).toBeUndefined();
    expect(c.accessLog.format).toBe("json");
    expect(c.certificatesResolvers.letsencrypt.acme.caServer).toBe(LETSENCRYPT_PRODUCTION);
    expect(c.certificatesResolvers.letsencrypt.acme.httpChallenge).toEqual({ entryPoint: "web" });
  });

  it("switches to the staging CA by flag", () => {
    const c = parse(buildTraefikStatic({ ...STATIC, acmeStaging: true }));
    expect(c.certificatesResolvers.letsencrypt.acme.caServer).toBe(LETSENCRYPT_STAGING);
  });

  it("rejects bad input", () => {
    expect(() => buildTraefikStatic({ ...STATIC, acmeEmail: "not-an-email" })).toThrow();
    expect(() => buildTraefikStatic({ ...STATIC, pingPort: 443 })).toThrow();
    expect(() => buildTraefikStatic({ ...STATIC, acmeStorage: "acme.json" })).toThrow();
  });
});

// biome-ignore lint/security/noSecrets: a function name, not a secret
describe("buildTraefikDynamic", () => {
  const text = buildTraefikDynamic({ domain: DOMAIN });
  const c = parse(text) as Dynamic;

  it("validates against Traefik's v3 file-provider schema", () => {
    expect(validateDynamic(c), JSON.stringify(validateDynamic.errors)).toBe(true);
  });

  it("puts titan:consoleAllowlist in front of every router, and validates against the schema", () => {
    const allowed = parse(
      buildTraefikDynamic({ domain: DOMAIN, allowlist: ["203.0.113.0/24", "2001:db8::/32"] }),
    ) as Dynamic;
    expect(validateDynamic(allowed), JSON.stringify(validateDynamic.errors)).toBe(true);
    expect(allowed.http.middlewares["console-allowlist"]).toEqual({
      ipAllowList: { sourceRange: ["203.0.113.0/24", "2001:db8::/32"] },
    });
    for (const r of Object.values(allowed.http.routers)) expect(r.middlewares[0]).toBe("console-allowlist");
    // Unset: no allow-list middleware at all (anyone reaches the console login).
    expect(c.http.middlewares["console-allowlist"]).toBeUndefined();
    expect(() => buildTraefikDynamic({ domain: DOMAIN, allowlist: [] })).toThrow(/refuse everyone/);
    expect(() => buildTraefikDynamic({ domain: DOMAIN, allowlist: ["1.2.3.0/24\nx: y"] })).toThrow(
      /allowlist/,
    );
  });

  it("routes the console and console-api only, on websecure with the cert resolver", () => {
    expect(Object.keys(c.http.routers).sort()).toEqual(["console", "console-api"]);
    expect(c.http.routers.console?.rule).toBe("Host(`helm.example.com`)");
    expect(c.http.routers["console-api"]?.rule).toBe("Host(`helm.example.com`) && PathPrefix(`/api`)");
    for (const r of Object.values(c.http.routers)) {
      expect(r.entryPoints).toEqual(["websecure"]);
      expect(r.tls).toEqual({ certResolver: "letsencrypt" });
      expect(r.middlewares).toContain("security-headers");
      expect(r.middlewares.some((m) => c.http.middlewares[m]?.rateLimit)).toBe(true);
    }
    expect(c.http.services.console?.loadBalancer.servers).toEqual([{ url: "http://titan-console:8080" }]);
    expect(c.http.services["console-api"]?.loadBalancer.servers).toEqual([
      { url: "http://titan-console-api:3000" },
    ]);
  });

  it("no router can reach brain (3100) or execution (3002)", () => {
    for (const s of Object.values(c.http.services)) {
      for (const { url } of s.loadBalancer.servers) {
        expect(["3100", "3002"]).not.toContain(new URL(url).port);
        expect(url).not.toMatch(/brain|execution/);
      }
    }
    expect(text).not.toMatch(/:3100|:3002/);
  });

  it("sets TLS 1.3 minimum, strict SNI and security headers", () => {
    expect(c.tls.options.default).toEqual({ minVersion: "VersionTLS13", sniStrict: true });
    expect(c.http.middlewares["security-headers"]?.headers).toMatchObject({
      stsSeconds: 63072000,
      stsIncludeSubdomains: true,
      stsPreload: true,
      contentTypeNosniff: true,
      frameDeny: true,
      referrerPolicy: "strict-origin-when-cross-origin",
    });
  });

  it("rejects a bad domain", () => {
    expect(() => buildTraefikDynamic({ domain: "evil.com`) || Host(`x" })).toThrow();
    expect(() => buildTraefikDynamic({ domain: DOMAIN, rateLimitAverage: 0 })).toThrow();
  });
});

describe("the schema check can fail", () => {
  it("rejects broken static and dynamic configs", () => {
    const s = parse(buildTraefikStatic(STATIC));
    s.entryPoints.web.adress = ":80"; // typo: entry points allow no unknown keys
    expect(validateStatic(s)).toBe(false);
    const d = parse(buildTraefikDynamic({ domain: DOMAIN }));
    d.http.middlewares["rate-limit"].rateLimit.averge = 10;
    d.http.services.console.loadBalancer.servers = [];
    expect(validateDynamic(d)).toBe(false);
    expect(JSON.stringify(validateDynamic.errors)).toMatch(/minItems|additionalProperties/);
  });
});
