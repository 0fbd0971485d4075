// nginx config for the brain-gateway container (nginx-unprivileged) on the trading plane: Traefik's
// only way to brain and console-api. TLS 1.3 with a client certificate from the stack CA (only
// Traefik holds one), on the trading droplet's private VPC address in split and on the Docker edge
// network in single. It forwards exactly the console routes (console-routes.ts) and answers 404
// to everything else, so brain's /signal, /webhook/* and /metrics stay unreachable. Brain itself
// publishes no port.

import { PORTS } from "../model/ports";
import { backendPath, type ConsoleBackend, consoleRoutes, INTERNAL_CREDENTIALS } from "./console-routes";
import { assertPath, assertPattern, assertPort } from "./validate";

export interface BrainGatewayInput {
  /** Server certificate and key from the stack CA (paths inside the container). */
  certFile: string;
  keyFile: string;
  /** Every client must present a certificate signed by this CA (Traefik's, issued by the stack). */
  clientCaFile: string;
  /** Default PORTS.brain: the gateway answers on brain's number. */
  listenPort?: number;
  /** host:port of brain's HTTP API on the Docker network. Default titan-brain:PORTS.brain. */
  brain?: string;
  /** host:port of brain's WebSocket server (WS_PORT, Titan src/index.ts:707). Default titan-brain:PORTS.brainWs. */
  brainWs?: string;
  /** host:port of console-api, only when it is deployed; its routes answer 404 otherwise. */
  consoleApi?: string;
  /** Docker's embedded DNS. Default 127.0.0.11. */
  resolver?: string;
}

const UPSTREAM_PATTERN = /^[a-z0-9][a-z0-9.-]{0,62}:\d{1,5}$/;

const proxyHeaders = [
  "      proxy_http_version 1.1;",
  "      proxy_set_header Host $host;",
  // Only Traefik gets past the client-certificate check, so its X-Forwarded-For (the browser's
  // address) is kept and Traefik's own appended: brain sees who called, not just the proxy.
  "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
  "      proxy_set_header X-Forwarded-Proto https;",
  "      proxy_connect_timeout 5s;",
];

const PATH_PATTERN = /^\/[a-z]+(\/[a-z]+)*$/;

/**
 * One regex location per backend: each path itself and everything below it (`/auth`, `/auth/x`),
 * never a sibling such as `/authx`; regex locations never overlap here, so their order is free. The paths are plain lowercase words, so they need no escaping.
 */
function locationFor(backend: ConsoleBackend, paths: readonly string[]): string {
  const safe = paths.map((p) => assertPattern("route path", p, PATH_PATTERN));
  // The WebSocket path exactly (brain's ws server accepts any path on its port); the rest as prefixes.
  return `~ ^(${safe.join("|")})${backend === "brain-ws" ? "$" : "(/|$)"}`;
}

function proxyTo(variable: string, upstream: string, backend: ConsoleBackend): string[] {
  const pass = [
    `      set $${variable} http://${upstream};`,
    `      proxy_pass $${variable};`,
    ...proxyHeaders,
  ];
  if (backend === "brain-ws") {
    // The WebSocket handshake: nginx forwards the upgrade only when asked to; the console's
    // socket stays open for hours, pinged by brain every 30 s (WebSocketService pingInterval).
    return [
      ...pass,
      "      proxy_set_header Upgrade $http_upgrade;",
      "      proxy_set_header Connection $connection_upgrade;",
      "      proxy_read_timeout 1h;",
      "      proxy_send_timeout 1h;",
    ];
  }
  return [...pass, '      proxy_set_header Connection "";', "      proxy_read_timeout 60s;"];
}

export function buildBrainGatewayConf(input: BrainGatewayInput): string {
  const port = assertPort("listenPort", input.listenPort ?? PORTS.brain);
  const upstreams: Record<ConsoleBackend, string | undefined> = {
    brain: assertPattern("brain", input.brain ?? `titan-brain:${PORTS.brain}`, UPSTREAM_PATTERN),
    "brain-ws": assertPattern("brainWs", input.brainWs ?? `titan-brain:${PORTS.brainWs}`, UPSTREAM_PATTERN),
    "console-api":
      input.consoleApi === undefined
        ? undefined
        : assertPattern("consoleApi", input.consoleApi, UPSTREAM_PATTERN),
  };
  const resolver = assertPattern("resolver", input.resolver ?? "127.0.0.11", /^\d{1,3}(\.\d{1,3}){3}$/);
  const variables: Record<ConsoleBackend, string> = {
    brain: "brain_upstream",
    "brain-ws": "brain_ws_upstream",
    "console-api": "console_api_upstream",
  };
  const routes = consoleRoutes(upstreams["console-api"] !== undefined);
  const backends = [...new Set(routes.map((r) => r.backend))];
  const routeBlocks = backends.flatMap((backend) => [
    `    location ${locationFor(backend, routes.filter((r) => r.backend === backend).map(backendPath))} {`,
    ...proxyTo(variables[backend], upstreams[backend] as string, backend),
    "    }",
  ]);
  // Regex locations match in order: console-api's service-to-service read of decrypted
  // credentials (credentials.ts:383) is refused before its prefix could match.
  const refuseInternal = upstreams["console-api"]
    ? [`    location ~ ${INTERNAL_CREDENTIALS.source} {`, "      return 404;", "    }"]
    : [];
  return [
    "# Managed by the Titan Pulumi program (infra/builders/brain-gateway.ts).",
    "worker_processes 1;",
    // Writable paths under /tmp so the container can run with a read-only root filesystem.
    "pid /tmp/nginx.pid;",
    "error_log stderr warn;",
    "events { worker_connections 512; }",
    "http {",
    "  server_tokens off;",
    "  access_log /dev/stdout;",
    "  client_max_body_size 1m;",
    "  client_body_temp_path /tmp/client_body;",
    "  proxy_temp_path /tmp/proxy;",
    "  fastcgi_temp_path /tmp/fastcgi;",
    "  uwsgi_temp_path /tmp/uwsgi;",
    "  scgi_temp_path /tmp/scgi;",
    // A variable in proxy_pass makes nginx resolve each upstream per request through Docker's
    // DNS, so the gateway starts (and nginx -t passes) before brain exists and follows restarts.
    `  resolver ${resolver} valid=10s ipv6=off;`,
    "  map $http_upgrade $connection_upgrade {",
    "    default upgrade;",
    "    '' close;",
    "  }",
    "  server {",
    `    listen ${port} ssl;`,
    `    ssl_certificate ${assertPath("certFile", input.certFile)};`,
    `    ssl_certificate_key ${assertPath("keyFile", input.keyFile)};`,
    "    ssl_protocols TLSv1.3;",
    "    ssl_session_tickets off;",
    "    ssl_session_cache shared:brain_tls:1m;",
    `    ssl_client_certificate ${assertPath("clientCaFile", input.clientCaFile)};`,
    "    ssl_verify_client on;",
    "    ssl_verify_depth 2;",
    // Locations match the normalised path but the raw one is forwarded: refuse dot segments and
    // encoded dots, slashes and backslashes, so `/auth/..%2fsignal` can never reach /signal.
    // biome-ignore lint/security/noSecrets: an nginx regex, not a secret
    '    if ($request_uri ~* "^[^?]*(\\.\\.|%2e|%2f|%5c)") {',
    "      return 400;",
    "    }",
    ...refuseInternal,
    ...routeBlocks,
    "    location / {",
    "      return 404;",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");
}
