// A throw-away dockerd in a network namespace of its own: own data-root, exec-root, socket and
// iptables rules (inside the namespace), vfs storage. Nothing outside the namespace and the temp
// directory is touched, except the cgroup parents the containers ask for (see ensureCgroupParent).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readdirSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EngineClient } from "./engine-client";

const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"] }).toString();

export interface Daemon {
  client: EngineClient;
  socket: string;
  logFile: string;
  stop(): Promise<void>;
}

const CGROUP_ROOT = "/sys/fs/cgroup";

/**
 * With the cgroupfs driver (no systemd here) a cgroup parent is a plain directory under each
 * controller; on the droplets it is the systemd slice cloud-init writes with TasksMax. The
 * equivalent here: the directory under every v1 controller, with pids.max = TasksMax.
 */
export function ensureCgroupParent(parent: string, tasksMax: number | undefined): string[] {
  if (!/^[A-Za-z0-9_.@-]+$/.test(parent))
    throw new Error(`cgroupParent '${parent}' is not a plain slice name`);
  const made: string[] = [];
  for (const controller of readdirSync(CGROUP_ROOT)) {
    const base = join(CGROUP_ROOT, controller);
    if (!existsSync(join(base, "cgroup.procs"))) continue;
    const dir = join(base, parent);
    if (!existsSync(dir)) {
      mkdirSync(dir);
      made.push(dir);
    }
    if (controller === "pids" && tasksMax !== undefined)
      writeFileSync(join(dir, "pids.max"), String(tasksMax));
  }
  return made;
}

export function removeCgroupDirs(dirs: readonly string[]): string[] {
  const left: string[] = [];
  for (const dir of [...dirs].reverse()) {
    try {
      rmdirSync(dir);
    } catch {
      left.push(dir);
    }
  }
  return left;
}

export async function startDaemon(opts: {
  tmp: string;
  netns: string;
  addresses: readonly string[];
}): Promise<Daemon> {
  const { tmp, netns } = opts;
  run("ip", ["netns", "add", netns]);
  let child: ChildProcess | undefined;
  const cleanup = async () => {
    if (child && child.exitCode === null) {
      child.kill("SIGTERM");
      const exited = await waitFor(
        async () => child?.exitCode !== null || child?.signalCode !== null,
        20_000,
      );
      if (!exited) child.kill("SIGKILL");
    }
    try {
      run("ip", ["netns", "delete", netns]);
    } catch {}
  };
  try {
    run("ip", ["-n", netns, "link", "set", "lo", "up"]);
    // The droplet's private address, so port bindings to it behave as on the host.
    // (on the namespace's loopback: this kernel has no dummy interfaces)
    for (const address of opts.addresses)
      run("ip", ["-n", netns, "addr", "add", `${address}/32`, "dev", "lo"]);
    const socket = join(tmp, "docker.sock");
    const logFile = join(tmp, "dockerd.log");
    for (const d of ["data", "exec"]) mkdirSync(join(tmp, d), { recursive: true });
    const log = openSync(logFile, "a");
    // nsenter joins only the network namespace; `ip netns exec` would also remount /sys and hide
    // the cgroup hierarchies from dockerd.
    child = spawn(
      "nsenter",
      [
        `--net=/run/netns/${netns}`,
        "dockerd",
        `--data-root=${join(tmp, "data")}`,
        `--exec-root=${join(tmp, "exec")}`,
        `--pidfile=${join(tmp, "dockerd.pid")}`,
        `--host=unix://${socket}`,
        "--storage-driver=vfs",
        "--iptables=true",
        "--ip-masq=true",
        "--bridge=none",
        "--log-level=warn",
        // daemon.json on the droplets (infra/builders/cloud-init.ts): live-restore and json-file logs.
        "--live-restore",
        "--log-driver=json-file",
        `--config-file=${writeDaemonJson(tmp)}`,
      ],
      { stdio: ["ignore", log, log] },
    );
    const client = new EngineClient(socket);
    const up = await waitFor(async () => {
      if (child?.exitCode !== null) throw new Error(`dockerd exited (${child?.exitCode}); see ${logFile}`);
      try {
        return (await client.raw("GET", "/_ping")).status === 200;
      } catch {
        return false;
      }
    }, 30_000);
    if (!up) throw new Error(`dockerd did not answer on ${socket} within 30 s; see ${logFile}`);
    return { client, socket, logFile, stop: cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function writeDaemonJson(tmp: string): string {
  const path = join(tmp, "daemon.json");
  writeFileSync(path, JSON.stringify({ "log-opts": { "max-size": "10m", "max-file": "5" } }));
  return path;
}

export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 250,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
}
