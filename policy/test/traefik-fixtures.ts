// A Traefik config with the console's brain route as the program builds it (router on brain
// paths, stripPrefix /api, https to the gateway's private address with an mTLS serversTransport),
// as plain objects so each test can break exactly one thing.
import { parse, stringify } from "yaml";
import { traefikConfigSafe } from "../policies/traefik-config-safe";
import { PRIVATE_IP, TRAEFIK_DYNAMIC, TRAEFIK_STATIC, traefik } from "./fixtures";
import { runResourcePolicy } from "./helpers";

// biome-ignore lint/suspicious/noExplicitAny: test documents are edited freely
export type Doc = Record<string, any>;

export const BRAIN_RULE =
  "Host(`helm.example.com`) && (PathPrefix(`/api/auth`) || PathPrefix(`/api/operator`))";
export const BRAIN_URL = `https://${PRIVATE_IP}:3100`;

export function brainDynamic(): Doc {
  const doc = parse(TRAEFIK_DYNAMIC) as Doc;
  doc.http.routers.brain = {
    rule: BRAIN_RULE,
    entryPoints: ["websecure"],
    service: "brain",
    middlewares: ["strip-api"],
    tls: { certResolver: "le" },
  };
  doc.http.services.brain = {
    loadBalancer: { servers: [{ url: BRAIN_URL }], serversTransport: "brain-gateway" },
  };
  doc.http.middlewares = { "strip-api": { stripPrefix: { prefixes: ["/api"] } } };
  doc.http.serversTransports = {
    "brain-gateway": {
      serverName: "brain-gateway",
      rootCAs: ["/etc/traefik/certs/ca.pem"],
      certificates: [
        { certFile: "/etc/traefik/certs/proxy.pem", keyFile: "/etc/traefik/certs/proxy-key.pem" },
      ],
    },
  };
  return doc;
}

export const staticDoc = (): Doc => parse(TRAEFIK_STATIC) as Doc;

export const LABEL =
  "Traefik container 'traefik' (urn:pulumi:test::titan::docker:index/container:Container::traefik): ";

export interface RunOptions {
  readonly staticConfig?: Doc | string;
  readonly container?: Record<string, unknown>;
  readonly config?: Record<string, unknown>;
}

const text = (doc: Doc | string) => (typeof doc === "string" ? doc : stringify(doc));

/** The policy's messages for one Traefik container, with the container label taken off. */
export async function runTraefik(dynamic: Doc | string, options: RunOptions = {}): Promise<string[]> {
  const c = traefik({
    uploads: [
      { file: "/etc/traefik/traefik.yml", content: text(options.staticConfig ?? TRAEFIK_STATIC) },
      { file: "/etc/traefik/dynamic/titan.yml", content: text(dynamic) },
    ],
    ...options.container,
  });
  const messages = await runResourcePolicy(
    traefikConfigSafe,
    { type: c.type, name: "traefik", props: c.properties },
    options.config,
  );
  return messages.map((m) => (m.startsWith(LABEL) ? m.slice(LABEL.length) : `UNLABELLED ${m}`));
}
