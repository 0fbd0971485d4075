// Two real sshd on loopback play edge and trading (trading reached only through edge), with the
// generated sshd config for their security settings; the client is the real ssh with the generated
// options. Test-only lines (port, address, host key, authorized keys file) come first: sshd keeps
// the first value of a keyword, so the generated file cannot be overridden by them unnoticed.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cloudInitWaitScript,
  hostKeyFingerprint,
  type SshTarget,
  sshOptions,
} from "../../infra/builders/ssh-access";
import { buildSshdConfig } from "../../infra/builders/sshd-config";
import { findProgram, freePort, haveProgram } from "./real-tool";

const USER = "titansshtest";
const runnable =
  haveProgram("sshd", "openssh-server") && haveProgram("ssh", "openssh-client") && process.getuid?.() === 0;

interface Sshd {
  port: number;
  proc: ChildProcess;
  log: string[];
}

describe.skipIf(!runnable)("ssh access against real sshd (edge as jump host for trading)", () => {
  // Not under /tmp: sshd's StrictModes refuses an authorized_keys below a world-writable directory.
  const dir = mkdtempSync("/run/titan-sshd-test-");
  const cm = join(dir, "cm");
  let agent: ChildProcess;
  const env = { ...process.env, SSH_AUTH_SOCK: join(dir, "agent.sock") };
  const sshds: Record<string, Sshd> = {};
  let createdUser = false;

  const keygen = (file: string) => execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", file]);
  async function startSshd(name: string, hostKey: string, forwarding: boolean, port?: number): Promise<Sshd> {
    const p = port ?? (await freePort());
    const cfg = join(dir, `${name}.conf`);
    writeFileSync(
      cfg,
      [
        `Port ${p}`,
        "ListenAddress 127.0.0.1",
        `HostKey ${hostKey}`,
        `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
        `PidFile ${join(dir, `${name}.pid`)}`,
        buildSshdConfig({ deployUser: USER, allowTcpForwarding: forwarding }),
      ].join("\n"),
    );
    const proc = spawn(findProgram("sshd") as string, ["-D", "-e", "-f", cfg], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    const log: string[] = [];
    proc.stderr?.on("data", (d: Buffer) => log.push(...d.toString().split("\n")));
    await new Promise<void>((resolve, reject) => {
      const onData = () => {
        if (log.some((l) => l.includes("Server listening"))) resolve();
      };
      proc.stderr?.on("data", onData);
      proc.once("exit", (code) => reject(new Error(`sshd ${name} exited ${code}: ${log.join("\n")}`)));
    });
    return { port: p, proc, log };
  }
  const stop = async (s: Sshd) => {
    s.proc.kill();
    await new Promise((r) => s.proc.once("exit", r));
  };
  function run(script: string, extraEnv: Record<string, string> = {}) {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const c = spawn("/bin/sh", ["-c", script], { env: { ...env, ...extraEnv } });
      let stdout = "";
      let stderr = "";
      c.stdout.on("data", (d) => (stdout += d));
      c.stderr.on("data", (d) => (stderr += d));
      c.on("close", (code) => resolve({ code, stdout, stderr }));
    });
  }
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const sshCommand = (t: Parameters<typeof sshOptions>[0], remote: string) =>
    ["ssh", ...sshOptions(t).map(q), "-p", String(t.port), `${t.user}@${t.address}`, q(remote)].join(" ");

  let edgeTarget: SshTarget;
  let edgePin = "";
  let tradingPin = "";

  beforeAll(async () => {
    chmodSync(dir, 0o755);
    mkdirSync("/run/sshd", { recursive: true });
    mkdirSync(cm, { mode: 0o700 });
    try {
      execFileSync("id", [USER], { stdio: "ignore" });
    } catch {
      execFileSync("useradd", [
        "--system",
        "--no-create-home",
        "--home-dir",
        "/",
        "--shell",
        "/bin/sh",
        USER,
      ]);
      createdUser = true;
    }
    execFileSync("usermod", ["-p", "*", USER]); // not locked ("!"), still no password
    for (const k of ["edge", "edge2", "trading", "trading2", "client"]) keygen(join(dir, k));
    writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client.pub")), { mode: 0o644 });
    agent = spawn("ssh-agent", ["-D", "-a", env.SSH_AUTH_SOCK], { stdio: "ignore" });
    for (let i = 0; i < 50 && !existsSock(env.SSH_AUTH_SOCK); i++)
      await new Promise((r) => setTimeout(r, 100));
    execFileSync("ssh-add", ["-q", join(dir, "client")], { env });
    sshds.edge = await startSshd("edge", join(dir, "edge"), true);
    sshds.trading = await startSshd("trading", join(dir, "trading"), false);
    edgeTarget = {
      user: USER,
      address: "127.0.0.1",
      port: sshds.edge.port,
      dropletId: "101",
      controlDir: cm,
    };
  }, 60_000);

  afterAll(async () => {
    for (const s of Object.values(sshds)) await stop(s).catch(() => undefined);
    agent?.kill();
    try {
      for (const sock of execFileSync("ls", [cm]).toString().split("\n").filter(Boolean)) {
        execFileSync("ssh", ["-o", `ControlPath=${join(cm, sock)}`, "-O", "exit", "x"], { stdio: "ignore" });
      }
    } catch {
      // no master left
    }
    if (createdUser) execFileSync("userdel", [USER]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("first contact with an empty known_hosts succeeds and pins the edge's key", async () => {
    const r = await run(cloudInitWaitScript(edgeTarget, 30, "true"));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    edgePin = r.stdout.trim();
    const pub = readFileSync(join(dir, "edge.pub"), "utf8").trim().split(" ").slice(0, 2).join(" ");
    expect(edgePin).toBe(`[127.0.0.1]:${sshds.edge?.port} ${pub}`);
    const lf = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", join(dir, "edge.pub")])
      .toString()
      .split(" ")[1];
    expect(hostKeyFingerprint(edgePin, edgeTarget)).toBe(`ssh-ed25519 ${lf}`);
  });

  it("pins trading at first contact through the edge, whose hop is checked against its pin", async () => {
    const jump = { ...edgeTarget, hostKey: edgePin };
    const t: SshTarget = {
      user: USER,
      address: "127.0.0.1",
      port: sshds.trading?.port,
      dropletId: "202",
      jump,
      controlDir: cm,
    };
    const r = await run(cloudInitWaitScript(t, 30, "true"));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    tradingPin = r.stdout.trim();
    const pub = readFileSync(join(dir, "trading.pub"), "utf8").trim().split(" ").slice(0, 2).join(" ");
    expect(tradingPin).toBe(`[127.0.0.1]:${sshds.trading?.port} ${pub}`);
  });

  it("runs 30 parallel operations through the jump host on one connection per host", async () => {
    const t = {
      user: USER,
      address: "127.0.0.1",
      port: sshds.trading?.port,
      dropletId: "202",
      hostKey: tradingPin,
      jump: { ...edgeTarget, hostKey: edgePin },
      controlDir: cm,
    };
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => run(sshCommand(t, `sleep 1; echo op-${i}`))),
    );
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 30 }, (_, i) => `op-${i}`));
    expect(results.every((r) => r.code === 0)).toBe(true);
    // One authentication per host for the whole run (the wait's): one security-key touch each.
    expect(sshds.trading?.log.filter((l) => l.includes("Accepted publickey")).length).toBe(1);
    expect(sshds.edge?.log.filter((l) => l.includes("Accepted publickey")).length).toBe(1);
  }, 60_000);

  it("refuses a changed host key on the direct hop and on the jump hop", async () => {
    // New droplet ids: new ControlPaths, so these are new connections, not the masters above.
    const edge = sshds.edge as Sshd;
    const trading = sshds.trading as Sshd;
    await stop(trading);
    sshds.trading = await startSshd("trading", join(dir, "trading2"), false, trading.port);
    const jump = { ...edgeTarget, dropletId: "103", hostKey: edgePin };
    const direct = await run(sshCommand({ ...edgeTarget, dropletId: "104", hostKey: edgePin }, "true"));
    expect(direct.code).toBe(0); // edge unchanged: still accepted
    const t = {
      user: USER,
      address: "127.0.0.1",
      port: trading.port,
      dropletId: "203",
      hostKey: tradingPin,
      jump,
      controlDir: cm,
    };
    const changed = await run(sshCommand(t, "true"));
    expect(changed.code).toBe(255);
    expect(changed.stderr).toContain(
      `Host key for [127.0.0.1]:${trading.port} has changed and you have requested strict checking.`,
    );
    expect(changed.stderr).toContain("Host key verification failed.");
    // The wait re-run on the same droplet starts from the pin in state: refused, nothing re-pinned.
    const rerun = await run(cloudInitWaitScript({ ...t, dropletId: "204" }, 30, "true"), {
      PULUMI_COMMAND_STDOUT: tradingPin,
    });
    expect(rerun.code).toBe(1);
    expect(rerun.stderr.split("\n")[0]).toBe(
      `titan: ${USER}@[127.0.0.1]:${trading.port} through ${USER}@[127.0.0.1]:${edge.port} (droplet 204): host key verification failed (the host or its jump host does not show the pinned key); nothing was accepted:`,
    );
    await stop(edge);
    sshds.edge = await startSshd("edge", join(dir, "edge2"), true, edge.port);
    const viaChangedJump = await run(
      sshCommand(
        { ...t, dropletId: "205", hostKey: tradingPin, jump: { ...jump, dropletId: "105" } },
        "true",
      ),
    );
    expect(viaChangedJump.code).toBe(255);
    // Under ControlPersist ssh sends the ProxyCommand's stderr to /dev/null, so the jump's own
    // "Host key verification failed." is not shown; the edge saw the client leave before auth.
    expect(viaChangedJump.stderr.replace(/\r/g, "")).toBe(
      "kex_exchange_identification: Connection closed by remote host\nConnection closed by UNKNOWN port 65535\n",
    );
    // sshd's log may arrive after the client has exited: wait for the line (bounded), then assert.
    const preauth = /^Connection closed by 127\.0\.0\.1 port \d+ \[preauth\]$/;
    const edgeLog = () => sshds.edge?.log.map((l) => l.trim()) ?? [];
    for (let i = 0; i < 50 && !edgeLog().some((l) => preauth.test(l)); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(edgeLog().filter((l) => preauth.test(l))).toHaveLength(1);
    expect(edgeLog().some((l) => l.includes("Accepted publickey"))).toBe(false);
  }, 60_000);

  it("gives up with a message naming the host and what was tried when nothing answers", async () => {
    const port = await freePort();
    const r = await run(cloudInitWaitScript({ ...edgeTarget, port, dropletId: "909" }, 0, "true"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^titan: ${USER}@\\[127\\.0\\.0\\.1\\]:${port} \\(droplet 909\\): no finished cloud-init after 0 s \\(1 ssh attempts, last exit 255\\): ssh: connect to host 127\\.0\\.0\\.1 port ${port}: Connection refused\\n$`,
      ),
    );
  });
});

function existsSock(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ENOENT";
  }
}
