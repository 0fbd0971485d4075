import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { GATEWAY_PUBLIC_PREFIXES } from "../../infra/builders/console-routes";
import {
  buildTraefikDynamic,
  buildTraefikStatic,
  LETSENCRYPT_PRODUCTION,
  LETSENCRYPT_STAGING,
  type TraefikDynamicInput,
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
const GATEWAY = {
  url: "https://10.20.0.11:3100",
  serverName: "brain-gateway",
  caFile: "/etc/traefik/tls/ca.crt",
  certFile: "/etc/traefik/tls/gateway-client.crt",
  keyFile: "/etc/traefik/tls/gateway-client.key",
};
const DYNAMIC: TraefikDynamicInput = { domain: DOMAIN, gateway: GATEWAY, consoleApi: false };
const BRAIN_RULE =
  "Host(`helm.example.com`) && (PathPrefix(`/api/auth`) || PathPrefix(`/api/operator`) || PathPrefix(`/api/config`) || PathPrefix(`/api/admin/override`) || PathPrefix(`/api/risk/halt`) || PathPrefix(`/api/breaker/reset`) || PathPrefix(`/api/audit/logs`) || PathPrefix(`/api/ws/console`))";

interface Dynamic {
  http: {
    routers: Record<
      string,
      { rule: string; entryPoints: string[]; service: string; middlewares: string[]; tls: object }
    >;
    services: Record<
      string,
      {
        loadBalancer: { servers: Array<{ url: string }>; serversTransport?: string; passHostHeader: boolean };
      }
    >;
    serversTransports: Record<string, Record<string, unknown>>;
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
  const text = buildTraefikDynamic(DYNAMIC);
  const c = parse(text) as Dynamic;
  const withConsoleApi = parse(buildTraefikDynamic({ ...DYNAMIC, consoleApi: true })) as Dynamic;

  it("validates against Traefik's v3 file-provider schema", () => {
    expect(validateDynamic(c), JSON.stringify(validateDynamic.errors)).toBe(true);
    expect(validateDynamic(withConsoleApi), JSON.stringify(validateDynamic.errors)).toBe(true);
  });

  it("puts titan:consoleAllowlist in front of every router, and validates against the schema", () => {
    const allowed = parse(
      buildTraefikDynamic({ ...DYNAMIC, consoleApi: true, allowlist: ["203.0.113.0/24", "2001:db8::/32"] }),
    ) as Dynamic;
    expect(validateDynamic(allowed), JSON.stringify(validateDynamic.errors)).toBe(true);
    expect(allowed.http.middlewares["console-allowlist"]).toEqual({
      ipAllowList: { sourceRange: ["203.0.113.0/24", "2001:db8::/32"] },
    });
    expect(Object.keys(allowed.http.routers)).toEqual(["console", "brain", "console-api"]);
    for (const r of Object.values(allowed.http.routers)) expect(r.middlewares[0]).toBe("console-allowlist");
    // Unset: no allow-list middleware at all (anyone reaches the console login).
    expect(c.http.middlewares["console-allowlist"]).toBeUndefined();
    expect(() => buildTraefikDynamic({ ...DYNAMIC, allowlist: [] })).toThrow(/refuse everyone/);
    expect(() => buildTraefikDynamic({ ...DYNAMIC, allowlist: ["1.2.3.0/24\nx: y"] })).toThrow(/allowlist/);
  });

  it("routes the console, and brain's console paths (stripped of /api) to the gateway", () => {
    expect(Object.keys(c.http.routers)).toEqual(["console", "brain"]);
    expect(c.http.routers.console).toEqual({
      rule: "Host(`helm.example.com`)",
      entryPoints: ["websecure"],
      service: "console",
      middlewares: ["security-headers", "rate-limit"],
      priority: 10,
      tls: { certResolver: "letsencrypt" },
    });
    expect(c.http.routers.brain).toEqual({
      rule: BRAIN_RULE,
      entryPoints: ["websecure"],
      service: "brain",
      middlewares: ["security-headers", "api-rate-limit", "strip-api"],
      priority: 20,
      tls: { certResolver: "letsencrypt" },
    });
    expect(c.http.middlewares["strip-api"]).toEqual({
      stripPrefix: { prefixes: ["/api"], forceSlash: false },
    });
    expect(c.http.middlewares["api-rate-limit"]).toEqual({
      rateLimit: { average: 10, period: "1s", burst: 20 },
    });
    expect(c.http.services.console?.loadBalancer.servers).toEqual([{ url: "http://titan-console:8080" }]);
    expect(c.http.services.brain?.loadBalancer).toEqual({
      servers: [{ url: "https://10.20.0.11:3100" }],
      serversTransport: "brain-gateway-mtls",
      passHostHeader: true,
    });
  });

  it("reaches the gateway with the stack CA, Traefik's client certificate and the gateway's name", () => {
    expect(c.http.serversTransports).toEqual({
      "brain-gateway-mtls": {
        serverName: "brain-gateway",
        rootCAs: ["/etc/traefik/tls/ca.crt"],
        certificates: [
          { certFile: "/etc/traefik/tls/gateway-client.crt", keyFile: "/etc/traefik/tls/gateway-client.key" },
        ],
      },
    });
    expect(text).not.toContain("insecureSkipVerify");
  });

  it("routes console-api's credential paths, /api kept, only when console-api is deployed", () => {
    expect(c.http.routers["console-api"]).toBeUndefined();
    expect(c.http.services["console-api"]).toBeUndefined();
    expect(text).not.toContain("/api/credentials");
    expect(withConsoleApi.http.routers["console-api"]).toEqual({
      rule: "Host(`helm.example.com`) && (PathPrefix(`/api/credentials`))",
      entryPoints: ["websecure"],
      service: "console-api",
      middlewares: ["security-headers", "api-rate-limit"],
      priority: 20,
      tls: { certResolver: "letsencrypt" },
    });
    expect(withConsoleApi.http.services["console-api"]).toEqual(withConsoleApi.http.services.brain);
    expect(withConsoleApi.http.routers.brain?.rule).toBe(BRAIN_RULE);
  });

  it("never routes brain's /signal, /webhook, /phases, /metrics or console-api's /ops/command", () => {
    const rules = Object.values(withConsoleApi.http.routers)
      .map((r) => r.rule)
      .join(" ");
    for (const never of ["/signal", "/webhook", "/phases", "/metrics", "/ops", "/api`"])
      expect(rules).not.toContain(never);
    // Every path-restricted router's prefixes are what the policy pack allows, and nothing more.
    const prefixes = [...rules.matchAll(/PathPrefix\(`([^`]+)`\)/g)].map((m) => m[1]);
    expect(prefixes).toEqual([...GATEWAY_PUBLIC_PREFIXES]);
  });

  it("no router reaches execution (3002) or brain's own ports (3100 without the gateway, 3101)", () => {
    for (const s of Object.values(withConsoleApi.http.services)) {
      for (const { url } of s.loadBalancer.servers) {
        expect(["3002", "3101"]).not.toContain(new URL(url).port);
        expect(url).not.toMatch(/brain|execution/);
        if (new URL(url).port === "3100")
          expect([url, s.loadBalancer.serversTransport]).toEqual([GATEWAY.url, "brain-gateway-mtls"]);
      }
    }
    expect(text).not.toMatch(/:3002|:3101/);
  });

  it("writes no YAML anchors or aliases for the shared router and service settings", () => {
    const shared = buildTraefikDynamic({ ...DYNAMIC, consoleApi: true });
    expect(shared).not.toMatch(/[&*]a\d/);
    expect(shared.match(/certResolver: letsencrypt/g)).toHaveLength(3);
  });

  it("takes the gateway by name in single", () => {
    const single = parse(
      buildTraefikDynamic({ ...DYNAMIC, gateway: { ...GATEWAY, url: "https://brain-gateway:3100" } }),
    ) as Dynamic;
    expect(single.http.services.brain?.loadBalancer.servers).toEqual([{ url: "https://brain-gateway:3100" }]);
  });

  it("refuses a gateway that is not https on 3100, or has a path or a bad name", () => {
    const bad = (gateway: Partial<typeof GATEWAY>) => () =>
      buildTraefikDynamic({ ...DYNAMIC, gateway: { ...GATEWAY, ...gateway } });
    expect(bad({ url: "http://10.20.0.11:3100" })).toThrow(/must be https:\/\/<host>:3100/);
    expect(bad({ url: "https://10.20.0.11:3101" })).toThrow(/must be https:\/\/<host>:3100/);
    expect(bad({ url: "https://10.20.0.11:3100/signal" })).toThrow(/must be https:\/\/<host>:3100/);
    expect(bad({ serverName: "x`) || Host(`y" })).toThrow(/serverName/);
    expect(bad({ keyFile: "key.pem" })).toThrow(/keyFile/);
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
    expect(() => buildTraefikDynamic({ ...DYNAMIC, domain: "evil.com`) || Host(`x" })).toThrow();
    expect(() => buildTraefikDynamic({ ...DYNAMIC, rateLimitAverage: 0 })).toThrow();
  });
});

describe("policy config", () => {
  it.each(["prod", "single"])("config.%s.json allows exactly the prefixes the routers use", (stack) => {
    const config = JSON.parse(
      readFileSync(join(__dirname, "..", "..", "policy", `config.${stack}.json`), "utf8"),
    );
    expect(config["traefik-config-safe"].brainPathPrefixes).toEqual([...GATEWAY_PUBLIC_PREFIXES]);
  });
});

describe("the schema check can fail", () => {
  it("rejects broken static and dynamic configs", () => {
    const s = parse(buildTraefikStatic(STATIC));
    s.entryPoints.web.adress = ":80"; // typo: entry points allow no unknown keys
    expect(validateStatic(s)).toBe(false);
    const d = parse(buildTraefikDynamic(DYNAMIC));
    d.http.middlewares["rate-limit"].rateLimit.averge = 10;
    d.http.services.console.loadBalancer.servers = [];
    expect(validateDynamic(d)).toBe(false);
    expect(JSON.stringify(validateDynamic.errors)).toMatch(/minItems|additionalProperties/);
  });
});
