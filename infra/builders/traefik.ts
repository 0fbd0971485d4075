// Traefik v3 static and dynamic (file provider) configuration. The file provider is the only
// provider: no Docker socket, no automatic routes (DESIGN.md §2, layer 4), and the only routes
// lead to the console and console-api, never to brain (3100) or execution (3002).
import { stringify } from "yaml";
import { assertPath, assertPattern, assertPort, HOSTNAME_PATTERN } from "./validate";

export const TRAEFIK_DYNAMIC_DIR = "/etc/traefik/dynamic";
export const TRAEFIK_PING_PORT = 8082;
export const CERT_RESOLVER = "letsencrypt";
export const LETSENCRYPT_PRODUCTION = "https://acme-v02.api.letsencrypt.org/directory";
export const LETSENCRYPT_STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory";
/** Ports no router may ever reach (brain, execution). */
export const FORBIDDEN_BACKEND_PORTS: readonly number[] = [3100, 3002];
export const CONSOLE_BACKEND = "http://titan-console:8080";
export const CONSOLE_API_BACKEND = "http://titan-console-api:3000";

export interface TraefikStaticInput {
  /** ACME account contact. */
  acmeEmail: string;
  /** Let's Encrypt staging CA (untrusted certificates, generous rate limits). */
  acmeStaging: boolean;
  /** Default "http" (HTTP-01 on :80); "tls" uses TLS-ALPN-01 on :443. */
  acmeChallenge?: "http" | "tls";
  /** Default /letsencrypt/acme.json (a volume, so certificates survive restarts). */
  acmeStorage?: string;
  /** Default 8082: the healthcheck's entrypoint, never published. */
  pingPort?: number;
  /** Default "INFO". */
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR";
}

export interface TraefikDynamicInput {
  /** Public host name of the console, e.g. "helm.example.com". */
  domain: string;
  /** Requests per second per client IP for the UI; the API gets a fifth of it. Default 50. */
  rateLimitAverage?: number;
  /** `titan:consoleAllowlist`: only these sources reach any route (Traefik ipAllowList). */
  allowlist?: readonly string[];
}

/** CIDRs as the schema canonicalised them: a character set that cannot break out of YAML. */
const CIDR_PATTERN = /^[0-9a-fA-F:.]+\/\d{1,3}$/;

const EMAIL_PATTERN = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,63}$/;

export function buildTraefikStatic(input: TraefikStaticInput): string {
  const email = assertPattern("acmeEmail", input.acmeEmail, EMAIL_PATTERN);
  const pingPort = assertPort("pingPort", input.pingPort ?? TRAEFIK_PING_PORT);
  if (pingPort === 80 || pingPort === 443) throw new Error("pingPort: must differ from 80 and 443");
  const challenge =
    (input.acmeChallenge ?? "http") === "http"
      ? { httpChallenge: { entryPoint: "web" } }
      : { tlsChallenge: {} };
  const config = {
    global: { checkNewVersion: false, sendAnonymousUsage: false },
    entryPoints: {
      web: {
        address: ":80",
        // The ACME HTTP-01 challenge router has top priority, so redirecting everything is safe.
        http: { redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } } },
      },
      websecure: {
        address: ":443",
        http: { tls: { certResolver: CERT_RESOLVER } },
        transport: { respondingTimeouts: { readTimeout: "30s", writeTimeout: "30s", idleTimeout: "120s" } },
      },
      ping: { address: `:${pingPort}` },
    },
    ping: { entryPoint: "ping" },
    providers: { file: { directory: TRAEFIK_DYNAMIC_DIR, watch: false } },
    certificatesResolvers: {
      [CERT_RESOLVER]: {
        acme: {
          email,
          storage: assertPath("acmeStorage", input.acmeStorage ?? "/letsencrypt/acme.json"),
          caServer: input.acmeStaging ? LETSENCRYPT_STAGING : LETSENCRYPT_PRODUCTION,
          keyType: "EC256",
          ...challenge,
        },
      },
    },
    log: { level: input.logLevel ?? "INFO", format: "json" },
    // Request headers are dropped from the access log: they carry the operator's session tokens.
    accessLog: { format: "json", fields: { headers: { defaultMode: "drop" } } },
    // No "api" section: dashboard and API stay off.
  };
  return stringify(config, { lineWidth: 0 });
}

function assertBackend(url: string): string {
  const port = Number(new URL(url).port);
  if (FORBIDDEN_BACKEND_PORTS.includes(port)) throw new Error(`Traefik may not route to port ${port}`);
  return url;
}

export function buildTraefikDynamic(input: TraefikDynamicInput): string {
  const domain = assertPattern("domain", input.domain, HOSTNAME_PATTERN);
  const average = input.rateLimitAverage ?? 50;
  if (!Number.isInteger(average) || average < 1)
    throw new Error("rateLimitAverage: positive integer required");
  const apiAverage = Math.max(1, Math.floor(average / 5));
  const tls = { certResolver: CERT_RESOLVER };
  if (input.allowlist !== undefined && input.allowlist.length === 0)
    throw new Error("allowlist: leave it out to allow everyone; an empty list would refuse everyone");
  const allowlist = input.allowlist?.map((c) => assertPattern("allowlist", c, CIDR_PATTERN));
  const allow = allowlist ? ["console-allowlist"] : [];
  const config = {
    http: {
      routers: {
        console: {
          rule: `Host(\`${domain}\`)`,
          entryPoints: ["websecure"],
          service: "console",
          middlewares: [...allow, "security-headers", "rate-limit"],
          priority: 10,
          tls,
        },
        "console-api": {
          rule: `Host(\`${domain}\`) && PathPrefix(\`/api\`)`,
          entryPoints: ["websecure"],
          service: "console-api",
          middlewares: [...allow, "security-headers", "api-rate-limit"],
          priority: 20,
          tls,
        },
      },
      services: {
        console: {
          loadBalancer: { servers: [{ url: assertBackend(CONSOLE_BACKEND) }], passHostHeader: true },
        },
        "console-api": {
          loadBalancer: { servers: [{ url: assertBackend(CONSOLE_API_BACKEND) }], passHostHeader: true },
        },
      },
      middlewares: {
        "security-headers": {
          headers: {
            stsSeconds: 63072000,
            stsIncludeSubdomains: true,
            stsPreload: true,
            forceSTSHeader: true,
            contentTypeNosniff: true,
            frameDeny: true,
            referrerPolicy: "strict-origin-when-cross-origin",
            permissionsPolicy: "camera=(), microphone=(), geolocation=(), payment=()",
            contentSecurityPolicy: "frame-ancestors 'none'; object-src 'none'; base-uri 'self'",
            customResponseHeaders: { Server: "", "X-Powered-By": "" },
          },
        },
        "rate-limit": { rateLimit: { average, period: "1s", burst: average * 2 } },
        "api-rate-limit": { rateLimit: { average: apiAverage, period: "1s", burst: apiAverage * 2 } },
        ...(allowlist ? { "console-allowlist": { ipAllowList: { sourceRange: allowlist } } } : {}),
      },
    },
    tls: { options: { default: { minVersion: "VersionTLS13", sniStrict: true } } },
  };
  return stringify(config, { lineWidth: 0 });
}
