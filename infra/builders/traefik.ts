// Traefik v3 static and dynamic (file provider) configuration. The file provider is the only
// provider: no Docker socket, no automatic routes (DESIGN.md §2, layer 4). The routes are the
// console UI and the paths it calls (console-routes.ts): brain's and console-api's go to the brain
// gateway only, over TLS 1.3 with Traefik's client certificate; never to execution (3002), to
// brain's own ports or to a brain path the UI does not call.
import { stringify } from "yaml";
import { FORBIDDEN_BACKEND_PORTS, PORTS } from "../model/ports";
import { API_PREFIX, type ConsoleRoute, consoleRoutes } from "./console-routes";
import { assertPath, assertPattern, assertPort, HOSTNAME_PATTERN } from "./validate";

export const TRAEFIK_DYNAMIC_DIR = "/etc/traefik/dynamic";
export const CERT_RESOLVER = "letsencrypt";
export const LETSENCRYPT_PRODUCTION = "https://acme-v02.api.letsencrypt.org/directory";
export const LETSENCRYPT_STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory";
/** The brain gateway's port; reached only over https with the client-certificate transport. */
export const GATEWAY_PORT = PORTS.brain;
export const CONSOLE_BACKEND = `http://titan-console:${PORTS.console}`;
/** The serversTransport that carries the stack CA and Traefik's client certificate. */
export const GATEWAY_TRANSPORT = "brain-gateway-mtls";

export interface TraefikStaticInput {
  /** ACME account contact. */
  acmeEmail: string;
  /** Let's Encrypt staging CA (untrusted certificates, generous rate limits). */
  acmeStaging: boolean;
  /** Default "http" (HTTP-01 on :80); "tls" uses TLS-ALPN-01 on :443. */
  acmeChallenge?: "http" | "tls";
  /** Default /letsencrypt/acme.json (a volume, so certificates survive restarts). */
  acmeStorage?: string;
  /** Default PORTS.traefikPing: the healthcheck's entrypoint, never published. */
  pingPort?: number;
  /** Default "INFO". */
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR";
}

/** How Traefik reaches the brain gateway (infra/builders/brain-gateway.ts). */
export interface GatewayTarget {
  /** `https://<trading private address>:3100` (split) or `https://brain-gateway:3100` (single). */
  url: string;
  /** The name the gateway's certificate carries (SNI and verification). */
  serverName: string;
  /** Paths inside the Traefik container: the stack CA and Traefik's client certificate. */
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface TraefikDynamicInput {
  /** Public host name of the console, e.g. "helm.example.com". */
  domain: string;
  /** Requests per second per client IP for the UI; the API gets a fifth of it. Default 50. */
  rateLimitAverage?: number;
  /** `titan:consoleAllowlist`: only these sources reach any route (Traefik ipAllowList). */
  allowlist?: readonly string[];
  gateway: GatewayTarget;
  /** console-api is deployed (`titan:services`): only then do its routes exist. */
  consoleApi: boolean;
}

/** CIDRs as the schema canonicalised them: a character set that cannot break out of YAML. */
const CIDR_PATTERN = /^[0-9a-fA-F:.]+\/\d{1,3}$/;

const EMAIL_PATTERN = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,63}$/;

export function buildTraefikStatic(input: TraefikStaticInput): string {
  const email = assertPattern("acmeEmail", input.acmeEmail, EMAIL_PATTERN);
  const pingPort = assertPort("pingPort", input.pingPort ?? PORTS.traefikPing);
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
  const parsed = new URL(url);
  const port = Number(parsed.port);
  if (FORBIDDEN_BACKEND_PORTS.includes(port)) throw new Error(`Traefik may not route to port ${port}`);
  if (port === GATEWAY_PORT) throw new Error(`port ${GATEWAY_PORT} is the brain gateway's; use gateway`);
  return url;
}

function assertGateway(gateway: GatewayTarget): GatewayTarget {
  const url = new URL(gateway.url);
  if (url.protocol !== "https:" || Number(url.port) !== GATEWAY_PORT || url.pathname !== "/")
    throw new Error(`gateway.url: '${gateway.url}' must be https://<host>:${GATEWAY_PORT}`);
  assertPattern("gateway.url", url.hostname, /^[a-z0-9][a-z0-9.-]{0,62}$/);
  return {
    url: `https://${url.hostname}:${GATEWAY_PORT}`,
    serverName: assertPattern("gateway.serverName", gateway.serverName, /^[a-z0-9][a-z0-9.-]{0,62}$/),
    caFile: assertPath("gateway.caFile", gateway.caFile),
    certFile: assertPath("gateway.certFile", gateway.certFile),
    keyFile: assertPath("gateway.keyFile", gateway.keyFile),
  };
}

/** The rule form the policy pack parses: `Host(`d`) && (PathPrefix(`/a`) || PathPrefix(`/b`))`. */
function pathRule(domain: string, routes: readonly ConsoleRoute[]): string {
  const prefixes = routes.map((r) => `PathPrefix(\`${r.prefix}\`)`).join(" || ");
  return `Host(\`${domain}\`) && (${prefixes})`;
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
  const gateway = assertGateway(input.gateway);
  const routes = consoleRoutes(input.consoleApi);
  // brain's HTTP routes and its WebSocket share one router: both lose `/api`, and the gateway
  // tells them apart by path. console-api keeps `/api` (it registers its routes with it).
  const brainRoutes = routes.filter((r) => r.backend !== "console-api");
  const consoleApiRoutes = routes.filter((r) => r.backend === "console-api");
  const apiRouter = (service: string, rs: readonly ConsoleRoute[], strip: boolean) => ({
    rule: pathRule(domain, rs),
    entryPoints: ["websecure"],
    service,
    middlewares: [...allow, "security-headers", "api-rate-limit", ...(strip ? ["strip-api"] : [])],
    priority: 20,
    tls,
  });
  const viaGateway = {
    loadBalancer: {
      servers: [{ url: gateway.url }],
      serversTransport: GATEWAY_TRANSPORT,
      passHostHeader: true,
    },
  };
  const config = {
    http: {
      routers: {
        // Everything else, `/api/signal` included, is the static UI (its nginx answers index.html).
        console: {
          rule: `Host(\`${domain}\`)`,
          entryPoints: ["websecure"],
          service: "console",
          middlewares: [...allow, "security-headers", "rate-limit"],
          priority: 10,
          tls,
        },
        brain: apiRouter("brain", brainRoutes, true),
        ...(consoleApiRoutes.length > 0
          ? { "console-api": apiRouter("console-api", consoleApiRoutes, false) }
          : {}),
      },
      services: {
        console: {
          loadBalancer: { servers: [{ url: assertBackend(CONSOLE_BACKEND) }], passHostHeader: true },
        },
        // Two services on one gateway: separate names in Traefik's logs and access log.
        brain: viaGateway,
        ...(consoleApiRoutes.length > 0 ? { "console-api": viaGateway } : {}),
      },
      serversTransports: {
        [GATEWAY_TRANSPORT]: {
          serverName: gateway.serverName,
          rootCAs: [gateway.caFile],
          certificates: [{ certFile: gateway.certFile, keyFile: gateway.keyFile }],
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
        "strip-api": { stripPrefix: { prefixes: [API_PREFIX], forceSlash: false } },
        ...(allowlist ? { "console-allowlist": { ipAllowList: { sourceRange: allowlist } } } : {}),
      },
    },
    tls: { options: { default: { minVersion: "VersionTLS13", sniStrict: true } } },
  };
  // No YAML anchors for the objects the routers and services share: each reads on its own.
  return stringify(config, { lineWidth: 0, aliasDuplicateObjects: false });
}
