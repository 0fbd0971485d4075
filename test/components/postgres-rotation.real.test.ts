// Rotation against a real PostgreSQL 15. The stack runs under mocks at two epochs; PostgreSQL is
// initialised as the postgres image does from the postgres container's env; then the role-password
// step runs as registered (its `create` script, with stand-ins for ssh and docker that only hand
// the remote command and stdin on to the real psql) at the first epoch, then at the next:
// the old password is refused, the new one accepted, and brain's env as the stack builds it
// connects. Statement logging is on in the server, and the verifier still never reaches its log.
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegisteredResource } from "../../scripts/engine/run-program";
import { freePort, haveProgram, makeTempDir } from "../builders/real-tool";
import { plainInputs, runStack } from "../support/offline-stack";
import { validRawConfig } from "../support/stack-config";
import { PG_BIN, psqlOnStdin, startPostgres } from "./titan-rehearsal/servers";
import { envEntries, W } from "./workload-run";

const canRun =
  haveProgram("psql", "postgresql-client-15") &&
  haveProgram("runuser", "util-linux") &&
  process.getuid?.() === 0;
if (!canRun && process.env.CI)
  throw new Error("the PostgreSQL rotation test runs as root in CI (runuser for initdb)");

async function stackAt(epoch: string, base: ReturnType<typeof validRawConfig>) {
  const run = await runStack({ ...base.values, rotationEpoch: epoch }, base.secretKeys, "prod");
  const containers = run.find.all(W.container).filter((c) => plainInputs(c).start !== false);
  const env = (name: string) => {
    const c = containers.find((x) => plainInputs(x).name === name);
    if (!c) throw new Error(`no container ${name}`);
    return Object.fromEntries(envEntries(c).map((e) => [e.name, e.value]));
  };
  const step: RegisteredResource = run.find.one("command:local:Command", "trading-postgres-role-password");
  const i = plainInputs(step);
  return { env, create: String(i.create), stdin: String(i.stdin) };
}

/** libpq env (never argv) for a connection as brain's env describes it, moved to the test server. */
function fromUrl(url: string, port: number): Record<string, string> {
  const u = new URL(url);
  expect([u.protocol, u.hostname, u.port]).toEqual(["postgresql:", "postgres", "5432"]);
  return {
    PGHOST: "127.0.0.1",
    PGPORT: String(port),
    PGUSER: decodeURIComponent(u.username),
    PGPASSWORD: decodeURIComponent(u.password),
    PGDATABASE: u.pathname.slice(1),
  };
}
function fromDbVars(env: Record<string, string>, port: number): Record<string, string> {
  expect([env.DB_HOST, env.DB_PORT]).toEqual(["postgres", "5432"]);
  return {
    PGHOST: "127.0.0.1",
    PGPORT: String(port),
    PGUSER: String(env.DB_USER),
    PGPASSWORD: String(env.DB_PASSWORD),
    PGDATABASE: String(env.DB_NAME),
  };
}
/** select current_user over TCP (scram-sha-256 in pg_hba), no password file, no service file. */
function login(pg: Record<string, string>) {
  const r = spawnSync(
    join(PG_BIN, "psql"),
    ["-X", "-tAc", "select current_user || '@' || current_database()"],
    {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", PGPASSFILE: "/dev/null", PGSERVICEFILE: "/dev/null", ...pg },
    },
  );
  return r.status === 0 ? r.stdout.trim() : `exit ${r.status}: ${r.stderr.trim()}`;
}

describe.runIf(canRun)("rotation with real PostgreSQL 15: the role is altered in place", () => {
  const tmp = makeTempDir("titan-pg-rotation");
  const pgDir = join(tmp.dir, "pg");
  let port = 0;
  let stop: (() => void) | undefined;
  let before: Awaited<ReturnType<typeof stackAt>>;
  let after: Awaited<ReturnType<typeof stackAt>>;
  /** Runs a registered create script with ssh and docker stand-ins: remote command and stdin only. */
  let runStep: (create: string, stdin: string) => { status: number | null; stderr: string };

  beforeAll(async () => {
    chmodSync(tmp.dir, 0o755);
    const base = validRawConfig("split");
    before = await stackAt("2026-Q4", base);
    after = await stackAt("2027-Q1", base);
    port = await freePort();
    stop = startPostgres(pgDir, port, before.env("postgres"));
    // Everything the server runs is logged, so the log shows what reached the server.
    const logAll = psqlOnStdin(
      pgDir,
      port,
      "titan",
      "ALTER SYSTEM SET log_statement = 'all';\nSELECT pg_reload_conf();\n",
    );
    if (logAll.status !== 0) throw new Error(logAll.stderr);
    const bin = join(tmp.dir, "bin");
    spawnSync("mkdir", ["-p", bin]);
    // ssh stand-in: drops the options and the destination, runs the remote command (last argument).
    writeFileSync(join(bin, "ssh"), '#!/bin/sh\nfor last; do :; done\nexec /bin/sh -c "$last"\n', {
      mode: 0o755,
    });
    // docker stand-in: `docker exec -i postgres psql ARGS…` becomes the real psql on the test socket.
    writeFileSync(
      join(bin, "docker"),
      `#!/bin/sh\n[ "$1 $2 $3 $4" = "exec -i postgres psql" ] || { echo "unexpected docker $*" >&2; exit 125; }\nshift 4\nexec ${PG_BIN}/psql -h ${pgDir} -p ${port} "$@"\n`,
      { mode: 0o755 },
    );
    runStep = (create, stdin) => {
      const r = spawnSync("/bin/sh", ["-c", create], {
        input: stdin,
        encoding: "utf8",
        env: { PATH: `${bin}:${process.env.PATH ?? ""}` },
      });
      return { status: r.status, stderr: r.stderr };
    };
  }, 120_000);

  afterAll(() => {
    stop?.();
    tmp.cleanup();
  });

  it("first deploy: the bootstrap password from POSTGRES_PASSWORD is replaced by brain's", () => {
    const bootstrap = before.env("postgres").POSTGRES_PASSWORD as string;
    const brain = before.env("titan-brain");
    expect(bootstrap).not.toBe(brain.DB_PASSWORD);
    expect(login({ ...fromDbVars(brain, port), PGPASSWORD: bootstrap })).toBe("titan@titan");
    expect(runStep(before.create, before.stdin)).toEqual({ status: 0, stderr: "" });
    expect(login(fromUrl(String(brain.DATABASE_URL), port))).toBe("titan@titan");
    expect(login({ ...fromDbVars(brain, port), PGPASSWORD: bootstrap })).toMatch(
      /password authentication failed for user "titan"/,
    );
  });

  it("rotation: old password refused, new accepted; brain's DATABASE_URL and DB_* both connect", () => {
    const old = before.env("titan-brain");
    const brain = after.env("titan-brain");
    expect(brain.DB_PASSWORD).not.toBe(old.DB_PASSWORD);
    expect(runStep(after.create, after.stdin)).toEqual({ status: 0, stderr: "" });
    expect(login(fromUrl(String(old.DATABASE_URL), port))).toMatch(
      /password authentication failed for user "titan"/,
    );
    expect(login(fromUrl(String(brain.DATABASE_URL), port))).toBe("titan@titan");
    expect(login(fromDbVars(brain, port))).toBe("titan@titan");
    const names = ["DATABASE_URL", "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD"];
    expect(names.filter((n) => !(n in brain))).toEqual([]);
  });

  it("is idempotent: the same step again succeeds and changes nothing a client sees", () => {
    expect(runStep(after.create, after.stdin)).toEqual({ status: 0, stderr: "" });
    expect(login(fromDbVars(after.env("titan-brain"), port))).toBe("titan@titan");
  });

  it("stores the program's SCRAM verifier, never a password the server hashed", () => {
    const r = psqlOnStdin(
      pgDir,
      port,
      "titan",
      "\\pset tuples_only on\nSELECT rolpassword FROM pg_authid WHERE rolname = 'titan';\n",
    );
    const verifier = /PASSWORD '([^']+)'/.exec(after.stdin)?.[1];
    expect(r.stdout.trim()).toBe(verifier);
  });

  it("fails the step (exit 1, a clear message) when psql fails, and the password stays", () => {
    const broken = after.stdin.replace('ALTER ROLE "titan"', 'ALTER ROLE "titan-missing"');
    const r = runStep(after.create, broken);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('ERROR:  role "titan-missing" does not exist');
    expect(r.stderr).toMatch(
      /titan: setting the password of Postgres role titan failed \(psql in container postgres on [a-z_]+@10\.20\.[0-9.]+, exit 3; its error is above\)\. Postgres keeps its previous password and no client of it was replaced\. Fix the cause and run pulumi up again\.\n$/,
    );
    expect(login(fromDbVars(after.env("titan-brain"), port))).toBe("titan@titan");
  });

  it("keeps the passwords and verifiers out of the server log, with log_statement = all", () => {
    const log = readFileSync(join(pgDir, "log"), "utf8");
    // Logging was on: the statements before the step's SET LOCAL are there, the ALTER is not.
    expect(log).toContain("statement: SET LOCAL log_statement = 'none';");
    // The failed ALTER's error is logged without its statement (log_min_error_statement).
    expect(log).toContain('ERROR:  role "titan-missing" does not exist');
    expect(log).not.toMatch(/STATEMENT:/);
    for (const run of [before, after]) {
      const verifier = /PASSWORD '([^']+)'/.exec(run.stdin)?.[1] ?? "missing";
      expect(log.includes(verifier)).toBe(false);
      expect(log.includes(String(run.env("titan-brain").DB_PASSWORD))).toBe(false);
    }
    expect(log).not.toMatch(/ALTER ROLE/);
  });
});
