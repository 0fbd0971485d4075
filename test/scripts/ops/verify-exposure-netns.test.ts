import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { throwawayCertificate } from "./loopback-hosts";

/**
 * Two network namespaces joined by a veth pair: "client" probes "edge" across a real link, with the script's
 * default ports (443, 80, 3100, 3002, 4222, 8222, 5432, 6379, 22). Addresses exist only inside the two
 * namespaces (198.18.0.0/30, the benchmarking range); nothing is routed outside them. Needs root and iproute2.
 */
const suffix = `${process.pid}`;
const CLIENT = `titan-client-${suffix}`;
const EDGE = `titan-edge-${suffix}`;
const EDGE_ADDRESS = "198.18.0.2";
const repositoryRoot = join(__dirname, "..", "..", "..");
const tsx = join(repositoryRoot, "node_modules", "tsx", "dist", "cli.mjs");

function canUseNetns(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync("ip", ["netns", "add", `titan-probe-${suffix}`], { stdio: "ignore" });
    execFileSync("ip", ["netns", "del", `titan-probe-${suffix}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const available = canUseNetns();
const ip = (...args: string[]): void => {
  execFileSync("ip", args, { stdio: "pipe" });
};
const inNamespace = (namespace: string, ...args: string[]): void => ip("netns", "exec", namespace, ...args);

let scratch = "";

function startEdge(extraArgs: string[]): Promise<ChildProcess> {
  const server = spawn(
    "ip",
    [
      "netns",
      "exec",
      EDGE,
      process.execPath,
      tsx,
      join(__dirname, "fixtures", "edge-server.ts"),
      join(scratch, "key.pem"),
      join(scratch, "cert.pem"),
      ...extraArgs,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("edge server did not start")), 20_000);
    server.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) {
        clearTimeout(timer);
        resolve(server);
      }
    });
    server.once("exit", (code) => reject(new Error(`edge server exited with ${code}`)));
  });
}

async function stopEdge(server: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGTERM");
  await exited;
}

function probeFromClient(): { code: number; stdout: string } {
  const args = [
    "netns",
    "exec",
    CLIENT,
    process.execPath,
    tsx,
    join(repositoryRoot, "scripts", "ops", "verify-exposure.ts"),
  ];
  try {
    const stdout = execFileSync("ip", [...args, "--host", EDGE_ADDRESS, "--timeout-ms", "1500"], {
      encoding: "utf8",
    });
    return { code: 0, stdout };
  } catch (error) {
    const failure = error as { status?: number; stdout?: string };
    return { code: failure.status ?? -1, stdout: failure.stdout ?? "" };
  }
}

describe.skipIf(!available)("verify-exposure across network namespaces (root only)", () => {
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), "titan-netns-"));
    const certificate = throwawayCertificate();
    writeFileSync(join(scratch, "key.pem"), certificate.key);
    writeFileSync(join(scratch, "cert.pem"), certificate.cert);
    ip("netns", "add", CLIENT);
    ip("netns", "add", EDGE);
    ip(
      "link",
      "add",
      `tc${suffix}`,
      "netns",
      CLIENT,
      "type",
      "veth",
      "peer",
      "name",
      `te${suffix}`,
      "netns",
      EDGE,
    );
    inNamespace(CLIENT, "ip", "addr", "add", "198.18.0.1/30", "dev", `tc${suffix}`);
    inNamespace(EDGE, "ip", "addr", "add", `${EDGE_ADDRESS}/30`, "dev", `te${suffix}`);
    for (const [namespace, device] of [
      [CLIENT, `tc${suffix}`],
      [EDGE, `te${suffix}`],
    ] as const) {
      inNamespace(namespace, "ip", "link", "set", "lo", "up");
      inNamespace(namespace, "ip", "link", "set", device, "up");
    }
  });

  afterAll(() => {
    for (const namespace of [CLIENT, EDGE]) {
      try {
        ip("netns", "del", namespace);
      } catch {
        // already gone
      }
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  it("passes an edge that serves only 443 (TLS 1.3) and 80 (redirect)", async () => {
    const server = await startEdge([]);
    try {
      const result = probeFromClient();
      expect(result.stdout).toMatch(/198\.18\.0\.2\s+4222\s+protected port closed\s+refused\s+pass/);
      expect(result.stdout).toMatch(/TLS 1\.3 accepted\s+accepted \(TLSv1\.3\)\s+pass/);
      expect(result.stdout).toMatch(/HTTP redirects to https:\/\/\s+308 -> https:\/\/198\.18\.0\.2\/\s+pass/);
      expect(result.code).toBe(0);
    } finally {
      await stopEdge(server);
    }
  });

  it("catches NATS listening on the public interface", async () => {
    const server = await startEdge(["--expose", "4222"]);
    try {
      const result = probeFromClient();
      expect(result.code).toBe(1);
      expect(result.stdout).toContain("198.18.0.2:4222 protected port closed");
    } finally {
      await stopEdge(server);
    }
  });
});
