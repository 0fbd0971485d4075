// The console's paths end to end: the generated Traefik dynamic config decides the router (rule,
// priority, stripPrefix) the way Traefik v3 does for these simple rules, then the request goes,
// with the client certificate named in its serversTransport, to a real nginx running the generated
// gateway config, in front of stand-ins for brain (HTTP and WebSocket) and console-api. There is
// no Traefik binary on Debian; this checks that the two generated configs agree with each other
// and with the paths Titan's console calls (console-routes.ts).
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { request } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildBrainGatewayConf } from "../../infra/builders/brain-gateway";
import { buildTraefikDynamic } from "../../infra/builders/traefik";
import { findProgram, freePort, haveProgram, makeTempDir, makeTestPki } from "./real-tool";

interface Dynamic {
  http: {
    routers: Record<string, { rule: string; service: string; middlewares: string[]; priority: number }>;
    services: Record<string, { loadBalancer: { servers: { url: string }[]; serversTransport?: string } }>;
    middlewares: Record<string, { stripPrefix?: { prefixes: string[] } }>;
    serversTransports: Record<
      string,
      { serverName: string; rootCAs: string[]; certificates: { certFile: string; keyFile: string }[] }
    >;
  };
}

const DOMAIN = "helm.example.com";

/** Traefik's decision for `Host(`d`)` and `Host(`d`) && (PathPrefix(`/a`) || …)` rules. */
function pickRouter(c: Dynamic, host: string, path: string) {
  const matches = Object.entries(c.http.routers).filter(([, r]) => {
    const hostOk = r.rule.startsWith(`Host(\`${host}\`)`);
    const prefixes = [...r.rule.matchAll(/PathPrefix\(`([^`]+)`\)/g)].map((m) => m[1] ?? "");
    return hostOk && (prefixes.length === 0 || prefixes.some((p) => path.startsWith(p)));
  });
  matches.sort(([, a], [, b]) => b.priority - a.priority);
  const [name, router] = matches[0] ?? [];
  if (!name || !router) throw new Error(`no router for ${path}`);
  return { name, router };
}

const canRun = haveProgram("nginx", "nginx-light") && haveProgram("openssl", "openssl");

describe.runIf(canRun)("console paths through Traefik's routers and the real gateway", () => {
  const tmp = makeTempDir("console-routing");
  const servers: Server[] = [];
  let nginx: ChildProcess | undefined;
  let dynamic: Dynamic;

  async function stub(name: string): Promise<number> {
    const server = createServer((req, res) => res.end(`${name} saw ${req.url}`));
    server.on("upgrade", (req, socket) =>
      socket.end(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Saw: ${name} ${req.url}\r\n\r\n`,
      ),
    );
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
    servers.push(server);
    return port;
  }

  beforeAll(async () => {
    const pki = makeTestPki(tmp.dir);
    const gatewayPort = await freePort();
    // The gateway as generated; only the listen port and upstream addresses are the test's.
    const conf = join(tmp.dir, "gateway.conf");
    writeFileSync(
      conf,
      buildBrainGatewayConf({
        certFile: pki.serverCert,
        keyFile: pki.serverKey,
        clientCaFile: pki.caCert,
        listenPort: gatewayPort,
        brain: `127.0.0.1:${await stub("brain")}`,
        brainWs: `127.0.0.1:${await stub("brain-ws")}`,
        consoleApi: `127.0.0.1:${await stub("console-api")}`,
      }).replace("pid /tmp/nginx.pid;", `pid ${join(tmp.dir, "nginx.pid")};`),
    );
    nginx = spawn(
      findProgram("nginx") ?? "nginx",
      ["-p", tmp.dir, "-e", "stderr", "-c", conf, "-g", "daemon off;"],
      {
        stdio: "ignore",
      },
    );
    for (let i = 0; i < 50; i++) {
      try {
        readFileSync(join(tmp.dir, "nginx.pid"));
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    // The test certificate names localhost: that is the serverName Traefik would verify.
    dynamic = parse(
      buildTraefikDynamic({
        domain: DOMAIN,
        consoleApi: true,
        gateway: {
          url: `https://localhost:3100`,
          serverName: "localhost",
          caFile: pki.caCert,
          certFile: pki.clientCert,
          keyFile: pki.clientKey,
        },
      }),
    ) as Dynamic;
    // The gateway listens on a free port here, where production uses 3100.
    for (const s of Object.values(dynamic.http.services))
      for (const server of s.loadBalancer.servers)
        server.url = server.url.replace("https://localhost:3100", `https://127.0.0.1:${gatewayPort}`);
  });

  afterAll(() => {
    nginx?.kill("SIGTERM");
    for (const s of servers) s.close();
    tmp.cleanup();
  });

  /** What answers the browser's request: "console" (the static UI) or what the gateway's upstream saw. */
  function browse(path: string, websocket = false): Promise<string> {
    const { router } = pickRouter(dynamic, DOMAIN, path);
    if (router.service === "console") return Promise.resolve("console");
    let forwarded = path;
    for (const m of router.middlewares) {
      const prefix = dynamic.http.middlewares[m]?.stripPrefix?.prefixes.find((p) => forwarded.startsWith(p));
      if (prefix) forwarded = forwarded.slice(prefix.length) || "/";
    }
    const lb = dynamic.http.services[router.service]?.loadBalancer;
    const transport = dynamic.http.serversTransports[lb?.serversTransport ?? ""];
    const url = new URL(lb?.servers[0]?.url ?? "");
    const cert = transport?.certificates[0];
    return new Promise((resolve, reject) => {
      const req = request({
        host: url.hostname,
        port: Number(url.port),
        path: forwarded,
        servername: transport?.serverName,
        ca: transport?.rootCAs.map((f) => readFileSync(f)),
        cert: cert ? readFileSync(cert.certFile) : undefined,
        key: cert ? readFileSync(cert.keyFile) : undefined,
        minVersion: "TLSv1.3",
        headers: websocket
          ? { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13" }
          : {},
      });
      req.on("upgrade", (res, socket) => {
        socket.destroy();
        resolve(`101 ${res.headers["x-saw"]}`);
      });
      req.on("response", (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve(res.statusCode === 200 ? body : String(res.statusCode)));
      });
      req.on("error", reject);
      req.end();
    });
  }

  it.each([
    // The UI's calls (console-routes.ts names where each is in Titan's console).
    ["/api/auth/login", "brain saw /auth/login"],
    ["/api/auth/sessions", "brain saw /auth/sessions"],
    [
      "/api/operator/approvals?status=PENDING_APPROVAL",
      "brain saw /operator/approvals?status=PENDING_APPROVAL",
    ],
    ["/api/operator/intents/i-1/reject", "brain saw /operator/intents/i-1/reject"],
    ["/api/config/effective", "brain saw /config/effective"],
    ["/api/admin/override", "brain saw /admin/override"],
    ["/api/risk/halt", "brain saw /risk/halt"],
    ["/api/breaker/reset", "brain saw /breaker/reset"],
    ["/api/audit/logs?limit=50", "brain saw /audit/logs?limit=50"],
    ["/api/credentials", "console-api saw /api/credentials"],
    ["/api/credentials/binance/test", "console-api saw /api/credentials/binance/test"],
    // The UI itself, and brain's routes the UI does not call: the static console, never brain.
    ["/", "console"],
    ["/ops/risk", "console"],
    ["/api/signal", "console"],
    ["/api/webhook/phase1", "console"],
    ["/api/phases/register", "console"],
    ["/api/metrics", "console"],
    ["/api/ops/command", "console"],
    ["/signal", "console"],
    // Matched by a prefix router but refused by the gateway (the dot segment too, should Traefik not
    // have cleaned it: its sanitizePath is on by default, and the policy pack refuses turning it off).
    ["/api/authx", "404"],
    ["/api/credentials/bybit/internal", "404"],
    ["/api/auth/../signal", "400"],
  ])("%s → %s", async (path, answer) => {
    expect(await browse(path)).toBe(answer);
  });

  it("opens the console's WebSocket (wss://host/api/ws/console?token=…) on brain's WebSocket server", async () => {
    expect(await browse("/api/ws/console?token=t.o.k", true)).toBe("101 brain-ws /ws/console?token=t.o.k");
  });
});
