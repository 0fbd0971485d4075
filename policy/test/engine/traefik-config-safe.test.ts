// traefik-config-safe's new refusals through the real pack process (analyzer gRPC protocol, prod
// config with its schema defaults), each planted into the safe split topology.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  type EngineResource,
  type PolicyPackSession,
  startPolicyPack,
} from "../../../scripts/engine/policy-engine";
import { safeSplitTopology, TRAEFIK_STATIC, traefik } from "../fixtures";
import { brainDynamic, type Doc } from "../traefik-fixtures";

const PACK_DIR = path.resolve(__dirname, "../..");
const config = JSON.parse(readFileSync(path.join(PACK_DIR, "config.prod.json"), "utf8")) as Record<
  string,
  unknown
>;

let pack: PolicyPackSession;

beforeAll(async () => {
  pack = await startPolicyPack({ packDir: PACK_DIR, config, stack: "prod", project: "titan" });
});

afterAll(async () => {
  await pack?.close();
});

function proxy(dynamic: Doc | string, extra: Record<string, unknown> = {}): EngineResource {
  return traefik({
    uploads: [
      { file: "/etc/traefik/traefik.yml", content: TRAEFIK_STATIC },
      {
        file: "/etc/traefik/dynamic/titan.yml",
        content: typeof dynamic === "string" ? dynamic : stringify(dynamic),
      },
    ],
    ...extra,
  });
}

/** traefik-config-safe's messages for the safe topology with this proxy, label removed. */
async function traefikMessages(replacement: EngineResource): Promise<string[]> {
  const resources = safeSplitTopology().map((r) => (r.name === "traefik" ? replacement : r));
  const diagnostics = await pack.analyzeStack(resources);
  const ours = diagnostics.filter((d) => d.policyName === "traefik-config-safe");
  expect(ours.every((d) => d.enforcementLevel === "mandatory")).toBe(true);
  // The engine prefixes the policy description; the label names the prod URN.
  return ours.map((d) => d.message.replace(/^[\s\S]*?Traefik container 'traefik' \([^)]*\): /, ""));
}

describe("traefik-config-safe over the engine protocol", () => {
  it("publishes brainPathPrefixes in the schema the engine validates config against", async () => {
    const bad = { ...config, "traefik-config-safe": { brainPathPrefixes: "/api/auth" } };
    await expect(
      startPolicyPack({ packDir: PACK_DIR, config: bad, stack: "prod", project: "titan" }),
    ).rejects.toThrow("traefik-config-safe: brainPathPrefixes: Invalid type. Expected: array, given: string");
  });

  it("accepts the console's brain route to the gateway over mTLS", async () => {
    expect(await traefikMessages(proxy(brainDynamic()))).toEqual([]);
  });

  it("refuses a brain route whose rule also matches other paths", async () => {
    const doc = brainDynamic();
    doc.http.routers.brain.rule =
      "Host(`helm.example.com`) && PathPrefix(`/api/auth`) || PathPrefix(`/signal`)";
    const [message] = await traefikMessages(proxy(doc));
    expect(message).toContain(
      "router 'brain': its rule has PathPrefix(`/signal`), which is not a Path/PathPrefix inside brainPathPrefixes",
    );
  });

  it("refuses a brain route without a client certificate", async () => {
    const doc = brainDynamic();
    doc.http.serversTransports["brain-gateway"] = { insecureSkipVerify: true };
    expect(await traefikMessages(proxy(doc))).toEqual([
      "http service 'brain' (brain port 3100): serversTransport 'brain-gateway' has no complete client certificate (certificates: [{certFile, keyFile}]), so the gateway cannot require mutual TLS. Fix: add the proxy's client certificate.",
      "http service 'brain' (brain port 3100): serversTransport 'brain-gateway' sets insecureSkipVerify, so any certificate passes as the gateway's. Fix: remove it and set rootCAs to the stack CA.",
    ]);
  });

  it("refuses a TCP route to NATS", async () => {
    const doc = brainDynamic();
    doc.tcp = { services: { bus: { loadBalancer: { servers: [{ address: "10.110.0.3:4222" }] } } } };
    expect(await traefikMessages(proxy(doc))).toEqual([
      "tcp service 'bus' routes to 10.110.0.3:4222, port 4222 (an internal port: execution, brain WebSocket, NATS, Postgres, Redis). Fix: the proxy must never route there.",
    ]);
  });

  it("refuses a backend it cannot read", async () => {
    const doc = brainDynamic();
    doc.http.services.console.loadBalancer.servers = [{ url: "h2c://titan-execution" }];
    const [message] = await traefikMessages(proxy(doc));
    expect(message).toContain(
      "points at 'h2c://titan-execution', which cannot be read (h2c has no default port)",
    );
    const [templated] = await traefikMessages(
      proxy(stringify(brainDynamic()).replace("http://titan-console:8080", '{{ env "X" }}')),
    );
    expect(templated).toContain("is a Go template ({{ }})");
  });

  it("refuses a router on 443 without TLS", async () => {
    const doc = brainDynamic();
    delete doc.http.routers["console-api"].tls;
    const [message] = await traefikMessages(proxy(doc));
    expect(message).toContain(
      "http router 'console-api' listens on entry point 'websecure' (port 443) without tls",
    );
  });

  it("refuses what changes which static config Traefik loads", async () => {
    expect(
      await traefikMessages(
        proxy(brainDynamic(), { command: ["--configFile=/tmp/x.yml"], envs: ["TRAEFIK_API=true"] }),
      ),
    ).toEqual([
      "'--configFile=/tmp/x.yml' points Traefik at another static config file than the one checked. Fix: remove --configFile; the static config lives at /etc/traefik/traefik.yml.",
      "environment variable TRAEFIK_API sets static config outside the checked file. Fix: remove it and put the setting in /etc/traefik/traefik.yml.",
    ]);
    const moved = traefik({
      uploads: [
        { file: "/traefik.yml", content: TRAEFIK_STATIC },
        { file: "/etc/traefik/dynamic/titan.yml", content: stringify(brainDynamic()) },
      ],
    });
    const [message] = await traefikMessages(moved);
    expect(message).toContain("the static config is uploaded to /traefik.yml, not /etc/traefik/traefik.yml");
  });
});
