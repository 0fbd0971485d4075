import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { request } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBrainGatewayConf } from "../../infra/builders/brain-gateway";
import { findProgram, freePort, haveProgram, makeTempDir, makeTestPki, type TestPki } from "./real-tool";

const BASE = { certFile: "/etc/nginx/tls/server.crt", keyFile: "/etc/nginx/tls/server.key" };

// biome-ignore lint/security/noSecrets: a function name, not a secret
describe("buildBrainGatewayConf", () => {
  it("listens with TLS 1.3 only and proxies to brain through Docker DNS", () => {
    const conf = buildBrainGatewayConf(BASE);
    expect(conf).toContain("listen 3100 ssl;");
    expect(conf).toMatch(/^\s*ssl_protocols TLSv1\.3;$/m);
    expect(conf).toContain("resolver 127.0.0.11");
    expect(conf).toContain("set $brain_upstream http://titan-brain:3100;");
    expect(conf).toContain("proxy_pass $brain_upstream;");
    expect(conf).not.toContain("ssl_verify_client");
  });

  it("verifies client certificates when a client CA is given", () => {
    const conf = buildBrainGatewayConf({ ...BASE, clientCaFile: "/etc/nginx/tls/ca.crt" });
    expect(conf).toContain("ssl_verify_client on;");
    expect(conf).toContain("ssl_client_certificate /etc/nginx/tls/ca.crt;");
  });

  it("rejects injection through any input", () => {
    expect(() => buildBrainGatewayConf({ ...BASE, certFile: "/x; include /etc/passwd" })).toThrow();
    expect(() => buildBrainGatewayConf({ ...BASE, upstream: "titan-brain:3100; return 200" })).toThrow();
    expect(() => buildBrainGatewayConf({ ...BASE, resolver: "8.8.8.8 ipv6=on" })).toThrow();
  });
});

// Runs the real nginx: `nginx -t` on the production-shaped config, then a live gateway in front
// of a fake brain to prove TLS 1.3 only and mTLS end to end.
const canRun = haveProgram("nginx", "nginx-light") && haveProgram("openssl", "openssl");

describe.runIf(canRun)("real nginx", () => {
  const tmp = makeTempDir("gw");
  let pki: TestPki;
  let nginx: ChildProcess | undefined;
  let brain: Server | undefined;
  let port = 0;
  const bin = () => findProgram("nginx") ?? "nginx";

  beforeAll(async () => {
    pki = makeTestPki(tmp.dir);
    const brainPort = await freePort();
    brain = createServer((req, res) =>
      res.end(`brain saw ${req.url} proto=${req.headers["x-forwarded-proto"]}`),
    );
    await new Promise<void>((r) => brain?.listen(brainPort, "127.0.0.1", r));
    port = await freePort();
    const conf = join(tmp.dir, "live.conf");
    writeFileSync(
      conf,
      buildBrainGatewayConf({
        certFile: pki.serverCert,
        keyFile: pki.serverKey,
        clientCaFile: pki.caCert,
        listenPort: port,
        upstream: `127.0.0.1:${brainPort}`,
      }).replace("pid /tmp/nginx.pid;", `pid ${join(tmp.dir, "nginx.pid")};`),
    );
    mkdirSync(join(tmp.dir, "logs"), { recursive: true });
    nginx = spawn(bin(), ["-p", tmp.dir, "-e", "stderr", "-c", conf, "-g", "daemon off;"], {
      stdio: "ignore",
    });
    for (let i = 0; i < 50; i++) {
      try {
        readFileSync(join(tmp.dir, "nginx.pid"));
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });

  afterAll(() => {
    nginx?.kill("SIGTERM");
    brain?.close();
    tmp.cleanup();
  });

  it.each([false, true])("nginx -t accepts the production config (mTLS: %s)", (mtls) => {
    const conf = join(tmp.dir, `prod-${mtls}.conf`);
    writeFileSync(
      conf,
      buildBrainGatewayConf({
        certFile: pki.serverCert,
        keyFile: pki.serverKey,
        ...(mtls ? { clientCaFile: pki.caCert } : {}),
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

  function get(opts: { cert: boolean; maxVersion?: "TLSv1.2" | "TLSv1.3" }): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          path: "/health",
          ca: readFileSync(pki.caCert),
          ...(opts.cert ? { cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) } : {}),
          maxVersion: opts.maxVersion ?? "TLSv1.3",
        },
        (res) => {
          let body = "";
          res.on("data", (d: Buffer) => (body += d.toString()));
          res.on("end", () => resolve(`${res.statusCode} ${body}`));
        },
      );
      req.on("error", reject);
      req.end();
    });
  }

  it("proxies TLS 1.3 with a client certificate to brain", async () => {
    expect(await get({ cert: true })).toBe("200 brain saw /health proto=https");
  });

  it("refuses TLS 1.2 and clients without a certificate", async () => {
    await expect(get({ cert: true, maxVersion: "TLSv1.2" })).rejects.toThrow(/protocol|alert|version/i);
    expect(await get({ cert: false })).toMatch(/^400 /);
  });
});
