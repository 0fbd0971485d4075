// nginx config for the brain-gateway container (image nginx:alpine) on the trading droplet: the
// only way to brain's API (3100) from the edge, as TLS 1.3 on the private VPC address, never in
// clear text across the VPC (issue 3, item 7). Brain itself publishes no port.
import { assertPath, assertPattern, assertPort } from "./validate";

export interface BrainGatewayInput {
  /** Server certificate and key from the stack CA (paths inside the container). */
  certFile: string;
  keyFile: string;
  /** When set, every client must present a certificate signed by this CA (mTLS for console-api). */
  clientCaFile?: string;
  /** Default 3100. */
  listenPort?: number;
  /** host:port of brain on the Docker network. Default titan-brain:3100. */
  upstream?: string;
  /** Docker's embedded DNS. Default 127.0.0.11. */
  resolver?: string;
}

const UPSTREAM_PATTERN = /^[a-z0-9][a-z0-9.-]{0,62}:\d{1,5}$/;

export function buildBrainGatewayConf(input: BrainGatewayInput): string {
  const port = assertPort("listenPort", input.listenPort ?? 3100);
  const upstream = assertPattern("upstream", input.upstream ?? "titan-brain:3100", UPSTREAM_PATTERN);
  const resolver = assertPattern("resolver", input.resolver ?? "127.0.0.11", /^\d{1,3}(\.\d{1,3}){3}$/);
  const mtls = input.clientCaFile
    ? [
        `    ssl_client_certificate ${assertPath("clientCaFile", input.clientCaFile)};`,
        "    ssl_verify_client on;",
        "    ssl_verify_depth 2;",
      ]
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
    // A variable in proxy_pass makes nginx resolve brain per request through Docker's DNS, so the
    // gateway starts (and nginx -t passes) before brain exists and follows brain's restarts.
    `  resolver ${resolver} valid=10s ipv6=off;`,
    "  server {",
    `    listen ${port} ssl;`,
    `    ssl_certificate ${assertPath("certFile", input.certFile)};`,
    `    ssl_certificate_key ${assertPath("keyFile", input.keyFile)};`,
    "    ssl_protocols TLSv1.3;",
    "    ssl_session_tickets off;",
    "    ssl_session_cache shared:brain_tls:1m;",
    ...mtls,
    "    location / {",
    `      set $brain_upstream http://${upstream};`,
    "      proxy_pass $brain_upstream;",
    "      proxy_http_version 1.1;",
    '      proxy_set_header Connection "";',
    "      proxy_set_header Host $host;",
    "      proxy_set_header X-Forwarded-For $remote_addr;",
    "      proxy_set_header X-Forwarded-Proto https;",
    "      proxy_connect_timeout 5s;",
    "      proxy_read_timeout 60s;",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");
}
