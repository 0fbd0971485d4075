import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { request } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBrainGatewayConf } from "../../infra/builders/brain-gateway";
import { findProgram, freePort, haveProgram, makeTempDir, makeTestPki, type TestPki } from "./real-tool";

const BASE = {
  certFile: "/etc/nginx/tls/server.crt",
  keyFile: "/etc/nginx/tls/server.key",
  clientCaFile: "/etc/nginx/tls/ca.crt",
};

/** The `location` lines of a generated config, in order. */
const locationsOf = (conf: string) =>
  conf
    .split("\n")
    .filter((l) => /^\s*location /.test(l))
    .map((l) => l.trim());

// biome-ignore lint/security/noSecrets: a function name, not a secret
describe("buildBrainGatewayConf", () => {
  it("listens with TLS 1.3 only, requires a client certificate, resolves through Docker DNS", () => {
    const conf = buildBrainGatewayConf(BASE);
    expect(conf).toContain("listen 3100 ssl;");
    expect(conf).toMatch(/^\s*ssl_protocols TLSv1\.3;$/m);
    expect(conf).toContain("ssl_verify_client on;");
    expect(conf).toContain("ssl_client_certificate /etc/nginx/tls/ca.crt;");
    expect(conf).toContain("resolver 127.0.0.11");
    expect(conf).toContain("set $brain_upstream http://titan-brain:3100;");
    expect(conf).toContain("set $brain_ws_upstream http://titan-brain:3101;");
  });

  it("forwards exactly the console's brain paths and the WebSocket; everything else is 404", () => {
    expect(locationsOf(buildBrainGatewayConf(BASE))).toEqual([
      "location ~ ^(/auth|/operator|/config|/admin/override|/risk/halt|/breaker/reset|/audit/logs)(/|$) {",
      "location ~ ^(/ws/console)$ {",
      "location / {",
    ]);
    const conf = buildBrainGatewayConf(BASE);
    expect(conf).toMatch(/location \/ \{\n\s+return 404;\n\s+\}/);
    for (const never of ["/signal", "/webhook", "/phases", "/metrics", "/ops"])
      expect(conf).not.toContain(never);
  });

  it("adds console-api's credential routes only when console-api is given, refusing its internal read", () => {
    const conf = buildBrainGatewayConf({ ...BASE, consoleApi: "titan-console-api:3000" });
    expect(locationsOf(conf)).toEqual([
      "location ~ ^\\/api\\/credentials\\/[^/]+\\/internal(\\/|$) {",
      "location ~ ^(/auth|/operator|/config|/admin/override|/risk/halt|/breaker/reset|/audit/logs)(/|$) {",
      "location ~ ^(/ws/console)$ {",
      "location ~ ^(/api/credentials)(/|$) {",
      "location / {",
    ]);
    expect(conf).toContain("set $console_api_upstream http://titan-console-api:3000;");
    expect(buildBrainGatewayConf(BASE)).not.toContain("console-api");
  });

  it("upgrades only the WebSocket location", () => {
    const conf = buildBrainGatewayConf(BASE);
    const ws = conf.slice(conf.indexOf("location ~ ^(/ws/console)$"));
    expect(ws.slice(0, ws.indexOf("}"))).toContain("proxy_set_header Connection $connection_upgrade;");
    expect(conf.match(/proxy_set_header Upgrade/g)).toHaveLength(1);
  });

  it("rejects injection through any input", () => {
    expect(() => buildBrainGatewayConf({ ...BASE, certFile: "/x; include /etc/passwd" })).toThrow();
    expect(() => buildBrainGatewayConf({ ...BASE, brain: "titan-brain:3100; return 200" })).toThrow();
    expect(() => buildBrainGatewayConf({ ...BASE, consoleApi: "x:1 }" })).toThrow(/consoleApi/);
    expect(() => buildBrainGatewayConf({ ...BASE, resolver: "8.8.8.8 ipv6=on" })).toThrow();
  });
});

// Runs the real nginx: `nginx -t` on the production-shaped config, then a live gateway in front
// of stand-ins for brain (HTTP and WebSocket) and console-api, with certificates made by openssl.
const canRun = haveProgram("nginx", "nginx-light") && haveProgram("openssl", "openssl");

interface Reply {
  status: number;
  body: string;
}

describe.runIf(canRun)("real nginx gateway", () => {
  const tmp = makeTempDir("gw");
  let pki: TestPki;
  let stranger: TestPki;
  const nginx: ChildProcess[] = [];
  const upstreams: Server[] = [];
  let port = 0;
  let portWithoutConsoleApi = 0;
  const bin = () => findProgram("nginx") ?? "nginx";

  /** An upstream that names itself and echoes the path it received. */
  async function stub(name: string): Promise<number> {
    const server = createServer((req, res) =>
      res.end(
        req.url === "/auth/whoami"
          ? `${name} forwarded-for ${req.headers["x-forwarded-for"]} proto ${req.headers["x-forwarded-proto"]}`
          : `${name} saw ${req.url}`,
      ),
    );
    // A WebSocket server answers the handshake; anything that is not forwarded as an upgrade fails.
    server.on("upgrade", (req, socket) => {
      socket.end(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Saw: ${name} ${req.url}\r\n\r\n`,
      );
    });
    const p = await freePort();
    await new Promise<void>((r) => server.listen(p, "127.0.0.1", r));
    upstreams.push(server);
    return p;
  }

  async function startNginx(name: string, conf: string): Promise<void> {
    const file = join(tmp.dir, `${name}.conf`);
    const pid = join(tmp.dir, `${name}.pid`);
    writeFileSync(file, conf.replace("pid /tmp/nginx.pid;", `pid ${pid};`));
    nginx.push(
      spawn(bin(), ["-p", tmp.dir, "-e", "stderr", "-c", file, "-g", "daemon off;"], { stdio: "ignore" }),
    );
    for (let i = 0; i < 50; i++) {
      try {
        readFileSync(pid);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`nginx ${name} did not start`);
  }

  beforeAll(async () => {
    pki = makeTestPki(join(tmp.dir));
    mkdirSync(join(tmp.dir, "stranger"));
    stranger = makeTestPki(join(tmp.dir, "stranger"));
    mkdirSync(join(tmp.dir, "logs"), { recursive: true });
    const [brain, brainWs, consoleApi] = [
      await stub("brain"),
      await stub("brain-ws"),
      await stub("console-api"),
    ];
    const common = {
      certFile: pki.serverCert,
      keyFile: pki.serverKey,
      clientCaFile: pki.caCert,
      brain: `127.0.0.1:${brain}`,
      brainWs: `127.0.0.1:${brainWs}`,
    };
    port = await freePort();
    await startNginx(
      "with-console-api",
      buildBrainGatewayConf({ ...common, listenPort: port, consoleApi: `127.0.0.1:${consoleApi}` }),
    );
    portWithoutConsoleApi = await freePort();
    await startNginx(
      "without-console-api",
      buildBrainGatewayConf({ ...common, listenPort: portWithoutConsoleApi }),
    );
  });

  afterAll(() => {
    for (const n of nginx) n.kill("SIGTERM");
    for (const s of upstreams) s.close();
    tmp.cleanup();
  });

  it.each([false, true])("nginx -t accepts the production config (console-api: %s)", (withConsoleApi) => {
    const conf = join(tmp.dir, `prod-${withConsoleApi}.conf`);
    writeFileSync(
      conf,
      buildBrainGatewayConf({
        certFile: pki.serverCert,
        keyFile: pki.serverKey,
        clientCaFile: pki.caCert,
        ...(withConsoleApi ? { consoleApi: "titan-console-api:3000" } : {}),
      }),
    );
    // stdout to a file: nginx opens access_log /dev/stdout, which fails on node's socketpair stdio.
    const out = openSync(join(tmp.dir, "stdout.log"), "w");
    const r = spawnSync(bin(), ["-t", "-p", tmp.dir, "-e", "stderr", "-c", conf], {
      encoding: "utf8",
      stdio: ["ignore", out, "pipe"],
    });
    expect(r.stderr).toMatch(/test is successful/);
    expect(r.status).toBe(0);
    // The check can fail: an unknown directive is rejected.
    writeFileSync(conf, readFileSync(conf, "utf8").replace("ssl_protocols TLSv1.3;", "ssl_protocols TLSv9;"));
    expect(
      spawnSync(bin(), ["-t", "-p", tmp.dir, "-e", "stderr", "-c", conf], { stdio: ["ignore", out, "pipe"] })
        .status,
    ).not.toBe(0);
    closeSync(out);
  });

  interface Call {
    path: string;
    client?: "ours" | "none" | "stranger";
    maxVersion?: "TLSv1.2" | "TLSv1.3";
    to?: number;
  }

  function tlsOptions(c: Call) {
    const client = c.client ?? "ours";
    const certs = client === "ours" ? pki : client === "stranger" ? stranger : undefined;
    return {
      host: "127.0.0.1",
      port: c.to ?? port,
      path: c.path,
      ca: readFileSync(pki.caCert),
      servername: "localhost",
      ...(certs ? { cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) } : {}),
      maxVersion: c.maxVersion ?? "TLSv1.3",
    };
  }

  function get(c: Call): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request(tlsOptions(c), (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  /** A WebSocket handshake: resolves with what the upstream saw, or the HTTP status when refused. */
  function upgrade(c: Call): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request({
        ...tlsOptions(c),
        headers: {
          Connection: "Upgrade",
          Upgrade: "websocket",
          "Sec-WebSocket-Version": "13",
          "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
        },
      });
      req.on("upgrade", (res, socket) => {
        socket.destroy();
        resolve(`101 ${res.headers["x-saw"]}`);
      });
      req.on("response", (res) => {
        res.resume();
        resolve(String(res.statusCode));
      });
      req.on("error", reject);
      req.end();
    });
  }

  it.each([
    ["/auth/login", "brain saw /auth/login"],
    ["/auth/sessions", "brain saw /auth/sessions"],
    ["/operator/approvals?status=PENDING_APPROVAL", "brain saw /operator/approvals?status=PENDING_APPROVAL"],
    ["/operator/intents/abc/approve", "brain saw /operator/intents/abc/approve"],
    ["/config/catalog", "brain saw /config/catalog"],
    ["/admin/override", "brain saw /admin/override"],
    ["/risk/halt", "brain saw /risk/halt"],
    ["/breaker/reset", "brain saw /breaker/reset"],
    ["/audit/logs?limit=50", "brain saw /audit/logs?limit=50"],
    ["/api/credentials", "console-api saw /api/credentials"],
    ["/api/credentials/bybit/test", "console-api saw /api/credentials/bybit/test"],
  ])("forwards %s to its service", async (path, saw) => {
    expect(await get({ path })).toEqual({ status: 200, body: saw });
  });

  it.each([
    // brain's routes the console never calls: signals, webhooks, registration, metrics, health.
    "/signal",
    "/webhook/phase1",
    "/webhook/scavenger",
    "/phases/register",
    "/metrics",
    "/health",
    "/dashboard",
    "/admin/infra/failover",
    // siblings of an allowed prefix, console-api's publish route and its internal credential read
    "/authx",
    "/ws/consoleX",
    "/ops/command",
    "/api/credentials/bybit/internal",
    "/api/ops/command",
  ])("answers 404 to %s", async (path) => {
    expect((await get({ path })).status).toBe(404);
  });

  it.each(["/auth/../signal", "/auth/%2e%2e/signal", "/auth/..%2fsignal", "/operator%2F..%2Fmetrics"])(
    "refuses the dot-segment or encoded path %s with 400 before any location matches",
    async (path) => {
      expect((await get({ path })).status).toBe(400);
    },
  );

  it("keeps a query string with dots and encoded slashes (the WebSocket token, filters)", async () => {
    expect(await get({ path: "/audit/logs?next=a..b%2Fc" })).toEqual({
      status: 200,
      body: "brain saw /audit/logs?next=a..b%2Fc",
    });
  });

  it("upgrades /ws/console to brain's WebSocket server, token and all", async () => {
    expect(await upgrade({ path: "/ws/console?token=t.e.st" })).toBe("101 brain-ws /ws/console?token=t.e.st");
    // A WebSocket to any other path is a plain 404: brain's ws port accepts every path itself.
    expect(await upgrade({ path: "/ws/sentinel" })).toBe("404");
  });

  it("keeps the browser's address from Traefik's X-Forwarded-For and appends Traefik's", async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const req = request(
        { ...tlsOptions({ path: "/auth/whoami" }), headers: { "X-Forwarded-For": "203.0.113.7" } },
        (res) => {
          let body = "";
          res.on("data", (d: Buffer) => (body += d.toString()));
          res.on("end", () => resolve(body));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(reply).toBe("brain forwarded-for 203.0.113.7, 127.0.0.1 proto https");
  });

  it("has no credential routes when console-api is not deployed", async () => {
    expect((await get({ path: "/api/credentials", to: portWithoutConsoleApi })).status).toBe(404);
    expect(await get({ path: "/auth/login", to: portWithoutConsoleApi })).toEqual({
      status: 200,
      body: "brain saw /auth/login",
    });
  });

  it("refuses clients without a certificate, with one from another CA, and TLS 1.2", async () => {
    const refused = /^<html>[\s\S]*400 (No required SSL certificate was sent|The SSL certificate error)/;
    const none = await get({ path: "/auth/login", client: "none" });
    expect([none.status, none.body]).toEqual([400, expect.stringMatching(refused)]);
    expect(none.body).not.toContain("brain saw");
    const foreign = await get({ path: "/auth/login", client: "stranger" });
    expect([foreign.status, foreign.body]).toEqual([400, expect.stringMatching(refused)]);
    expect(await upgrade({ path: "/ws/console?token=x", client: "none" })).toBe("400");
    await expect(get({ path: "/auth/login", maxVersion: "TLSv1.2" })).rejects.toThrow(
      /protocol|alert|version/i,
    );
  });
});
