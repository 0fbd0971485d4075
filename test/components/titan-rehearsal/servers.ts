// Real nats-server, PostgreSQL 15 and redis-server for the rehearsal, started from generated configs.
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findProgram } from "../../builders/real-tool";

export const PG_BIN = "/usr/lib/postgresql/15/bin";

function waitFor(
  proc: ChildProcess,
  stream: "stdout" | "stderr",
  ready: string,
  what: string,
): Promise<void> {
  let log = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${log}`)), 15_000);
    proc[stream]?.on("data", (d: Buffer) => {
      log += d.toString();
      if (log.includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once("exit", (code) => reject(new Error(`${what} exited ${code}:\n${log}`)));
  });
}

export async function startNats(confFile: string): Promise<ChildProcess> {
  const bin = findProgram("nats-server") ?? "nats-server";
  const check = spawnSync(bin, ["-t", "-c", confFile], { encoding: "utf8" });
  if (check.status !== 0)
    throw new Error(`nats-server -t rejects the rewritten config:\n${check.stdout}${check.stderr}`);
  const proc = spawn(bin, ["-c", confFile], { stdio: ["ignore", "ignore", "pipe"] });
  await waitFor(proc, "stderr", "Server is ready", "nats-server");
  return proc;
}

export async function startRedis(confFile: string): Promise<ChildProcess> {
  const proc = spawn(findProgram("redis-server") ?? "redis-server", [confFile], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  await waitFor(proc, "stdout", "Ready to accept connections", "redis-server");
  return proc;
}

/**
 * PostgreSQL initialised as the postgres image's docker-entrypoint.sh does: initdb with
 * --username=$POSTGRES_USER and the password from $POSTGRES_PASSWORD, local trust, host connections
 * scram-sha-256 (the image's default auth for `host all all all`), then CREATE DATABASE $POSTGRES_DB.
 */
export function startPostgres(dir: string, port: number, env: Record<string, string>): () => void {
  const user = env.POSTGRES_USER ?? "postgres";
  const db = env.POSTGRES_DB ?? user;
  const password = env.POSTGRES_PASSWORD;
  if (!password) throw new Error("postgres container env has no POSTGRES_PASSWORD");
  const data = join(dir, "data");
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o700);
  const pwfile = join(dir, "pwfile");
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  const asPg = (cmd: string, args: string[]) => {
    const r = spawnSync("runuser", ["-u", "postgres", "--", cmd, ...args], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${cmd} ${args[0]} failed:\n${r.stdout}${r.stderr}`);
  };
  execFileSync("chown", ["-R", "postgres", dir]);
  asPg(join(PG_BIN, "initdb"), [
    "-D",
    data,
    `--username=${user}`,
    `--pwfile=${pwfile}`,
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
  ]);
  asPg(join(PG_BIN, "pg_ctl"), [
    "-D",
    data,
    "-l",
    join(dir, "log"),
    "-w",
    "-o",
    `-k ${dir} -p ${port} -c listen_addresses=127.0.0.1`,
    "start",
  ]);
  if (db !== "postgres") {
    asPg("psql", [
      "-h",
      dir,
      "-p",
      String(port),
      "-U",
      user,
      "-d",
      "postgres",
      "-v",
      "ON_ERROR_STOP=1",
      "-c",
      `CREATE DATABASE "${db}"`,
    ]);
  }
  return () => {
    if (existsSync(join(data, "postmaster.pid")))
      asPg(join(PG_BIN, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]);
  };
}

/**
 * Runs a psql script on stdin as the stack's role-password step does inside the container
 * (`psql -X -q -v ON_ERROR_STOP=1 -U <superuser> -d postgres`, local socket, trusted), here over
 * startPostgres's socket directory. Returns psql's status and output; never throws.
 */
export function psqlOnStdin(dir: string, port: number, superuser: string, sql: string) {
  const r = spawnSync(
    join(PG_BIN, "psql"),
    ["-h", dir, "-p", String(port), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-U", superuser, "-d", "postgres"],
    { input: sql, encoding: "utf8", env: { PATH: process.env.PATH ?? "" } },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function stopProcess(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  proc.kill("SIGTERM");
  return exited;
}
