// Backs up real PostgreSQL 15, nats-server (JetStream) and redis-server with the GENERATED backup
// script and settings into a real restic repository (a local one, and an S3 one served by s3rver
// over TLS on loopback), destroys the data, restores with the generated drill and compares rows,
// messages and keys. Then the bad inputs: a wrong key, an empty repository, a truncated dump.
// Titan's state directories too: a real SQLite database in WAL mode written continuously by a
// sqlite3 process (ai-quant), execution's redb and flag files, powerlaw-lab's state file (each
// writer a process group the backup stops for its copy), brain's snapshots and dead letters (copied
// live, then its old snapshots pruned); a copy that fails (a full spool) makes no snapshot and
// leaves no writer stopped.
import { execFile, type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { connect, StorageType } from "nats";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBackupEnv, type LocalRuntime } from "../../../infra/builders/backup/backup-env";
import { buildBackupScript } from "../../../infra/builders/backup/backup-script";
import { buildCredentialsFile } from "../../../infra/builders/backup/credentials";
import { NATS_STREAMS } from "../../../infra/model/nats-permissions";
import { parseDrillOutput, pickSnapshot } from "../../../scripts/restore-drill/report";
import { findProgram, freePort, haveProgram, makeTempDir } from "../real-tool";

const PG_BIN = "/usr/lib/postgresql/15/bin";
const canRun =
  haveProgram("restic", "restic") &&
  haveProgram("nats-server", "nats-server") &&
  haveProgram("redis-server", "redis-server") &&
  haveProgram("openssl", "openssl") &&
  haveProgram("sqlite3", "sqlite3") &&
  (existsSync(join(PG_BIN, "initdb")) || haveProgram("initdb-15", "postgresql-15")) &&
  process.getuid?.() === 0;
if (!canRun && process.env.CI)
  throw new Error("the backup round trip runs as root in CI (runuser for initdb)");

const ROWS = { "titan.public.trades": 240, "titan.public.positions": 7, "ledger.public.entries": 31 };
const STREAM_MESSAGES: Record<string, number> = { TITAN_CMD: 120, TITAN_EVT: 45 };
const REDIS_KEYS = 25;
const DAY = 86_400;
/** brain/backups: 8 snapshots 10 days old, 4 of today; a subdirectory and a symlink never pruned. */
const BRAIN = { old: 8, recent: 4, keepNewest: 3, keepDays: 7 };
/** Files per state directory in the first snapshot (before brain's pruning). */
const STATE_FILES = {
  // titan_execution.redb, system.halt (no execution.armed: disarmed)
  execution: 2,
  // strategic_memory.db and, while sqlite3 holds it open in WAL mode, -wal and -shm
  "ai-quant": 3,
  "powerlaw-lab": 1,
  // backups: 12 snapshots + 1 in a subdirectory; dlq: 2 dead letters
  brain: BRAIN.old + BRAIN.recent + 1 + 2,
};
/** The S3 repository's snapshot, taken after the local one had pruned brain's 8 old snapshots. */
const STATE_FILES_AFTER_PRUNE = { ...STATE_FILES, brain: STATE_FILES.brain - BRAIN.old };
const FLAGS = [
  { file: "execution/system.halt", present: true },
  { file: "execution/execution.armed", present: false },
];

function run(file: string, args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(file, args, { encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 });
}
function ok(r: SpawnSyncReturns<string>): string {
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

describe.runIf(canRun)("backup and restore round trip with real programs", async () => {
  const tmp = makeTempDir("titan-backup");
  const d = (p: string) => join(tmp.dir, p);
  const password = `fake-test-repo-key-${randomBytes(16).toString("hex")}`;
  let ports: Record<string, number>;
  let s3: S3rver | undefined;
  let s3Port = 0;
  const script = d("titan-backup");
  const live = { pg: d("live/pg"), js: d("live/js"), redis: d("live/redis") };
  const state = (name: string) => d(`live/state/${name}`);
  const writerPid = (name: string) => d(`live/${name}.pid`);
  /** Processes that write each paused directory, each the leader of its own process group. */
  const WRITERS = ["execution", "ai-quant", "powerlaw-lab"] as const;

  function envFile(
    name: string,
    repository: string,
    credentials: string,
    o: { spoolDir?: string } = {},
  ): string {
    const runtime: LocalRuntime = {
      kind: "local",
      pgBinDir: PG_BIN,
      pgSocketDir: live.pg,
      pgPort: ports.pg as number,
      redisPort: ports.redis as number,
      jetstreamDir: live.js,
      redisRdb: join(live.redis, "dump.rdb"),
      natsPidFile: d("live/nats.pid"),
      runAs: "postgres",
      stateDirs: [
        {
          name: "execution",
          path: state("execution"),
          stopPidFile: writerPid("execution"),
          flags: ["system.halt", "execution.armed"],
        },
        { name: "ai-quant", path: state("ai-quant"), stopPidFile: writerPid("ai-quant") },
        { name: "powerlaw-lab", path: state("powerlaw-lab"), stopPidFile: writerPid("powerlaw-lab") },
        { name: "brain", path: state("brain") },
        // A directory this host does not have: logged, left out, listed as absent by the drill.
        { name: "not-here", path: state("not-here") },
      ],
      scratchPorts: {
        pg: ports.spg as number,
        nats: ports.snats as number,
        natsMonitor: ports.smon as number,
        redis: ports.sredis as number,
      },
    };
    const text = buildBackupEnv({
      repository,
      credentialsFile: credentials,
      cacheDir: d("cache"),
      spoolDir: o.spoolDir ?? d("spool"),
      drillDir: d("drill"),
      statusDir: d("status"),
      backupHost: "titan-test-trading",
      retention: { daily: 7, weekly: 4, monthly: 6 },
      pgUser: "titan",
      runtime,
      pruning: {
        dir: join(state("brain"), "backups"),
        keepDays: BRAIN.keepDays,
        keepNewest: BRAIN.keepNewest,
      },
    });
    writeFileSync(d(name), text);
    return d(name);
  }
  function creds(name: string, key: string, s3Keys = false): string {
    writeFileSync(
      d(name),
      buildCredentialsFile({
        resticPassword: key,
        ...(s3Keys ? { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } : {}),
      }),
      { mode: 0o600 },
    );
    return d(name);
  }
  // Asynchronous: s3rver answers from this process's event loop, which spawnSync would block.
  const backup = (env: string, ...args: string[]) =>
    new Promise<SpawnSyncReturns<string>>((resolve) => {
      const child = execFile(
        script,
        args,
        { encoding: "utf8", env: { ...process.env, TITAN_BACKUP_ENV: env, SSL_CERT_FILE: d("s3/cert.pem") } },
        (error, stdout, stderr) => {
          const status = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          resolve({ status, stdout, stderr, pid: child.pid ?? 0, output: [], signal: null });
        },
      );
    });
  const psql = (db: string, sql: string) =>
    ok(
      run(join(PG_BIN, "psql"), [
        "-h",
        live.pg,
        "-p",
        String(ports.pg),
        "-U",
        "titan",
        "-d",
        db,
        "-At",
        "-c",
        sql,
      ]),
    );
  const localRepo = () => envFile("local.env", d("repo"), creds("local.cred", password));

  async function startLive() {
    mkdirSync(live.pg, { recursive: true });
    mkdirSync(live.js, { recursive: true });
    mkdirSync(live.redis, { recursive: true });
    chmodSync(tmp.dir, 0o755);
    ok(run("chown", ["-R", "postgres", d("live")]));
    ok(
      run("runuser", [
        "-u",
        "postgres",
        "--",
        join(PG_BIN, "initdb"),
        "-D",
        join(live.pg, "data"),
        "-U",
        "titan",
        "--auth=trust",
      ]),
    );
    ok(
      run("runuser", [
        "-u",
        "postgres",
        "--",
        join(PG_BIN, "pg_ctl"),
        "-D",
        join(live.pg, "data"),
        "-l",
        join(live.pg, "log"),
        "-w",
        "-o",
        `-k ${live.pg} -p ${ports.pg} -c listen_addresses=`,
        "start",
      ]),
    );
    const nats = spawn(
      findProgram("nats-server") ?? "nats-server",
      ["-js", "-sd", live.js, "-a", "127.0.0.1", "-p", String(ports.nats), "-P", d("live/nats.pid")],
      { stdio: "ignore", detached: false },
    );
    nats.unref();
    ok(
      run("redis-server", [
        "--port",
        String(ports.redis),
        "--bind",
        "127.0.0.1",
        "--dir",
        live.redis,
        "--appendonly",
        "yes",
        "--daemonize",
        "yes",
        "--pidfile",
        d("live/redis.pid"),
        "--logfile",
        d("live/redis.log"),
      ]),
    );
    for (
      let i = 0;
      i < 100 && run("redis-cli", ["-p", String(ports.redis), "ping"]).stdout.trim() !== "PONG";
      i++
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  function stopLive() {
    run("runuser", [
      "-u",
      "postgres",
      "--",
      join(PG_BIN, "pg_ctl"),
      "-D",
      join(live.pg, "data"),
      "-m",
      "immediate",
      "-w",
      "stop",
    ]);
    run("redis-cli", ["-p", String(ports.redis), "shutdown", "nosave"]);
    if (existsSync(d("live/nats.pid"))) run("kill", [readFileSync(d("live/nats.pid"), "utf8").trim()]);
    for (const w of WRITERS) {
      if (!existsSync(writerPid(w))) continue;
      const pid = readFileSync(writerPid(w), "utf8").trim();
      run("kill", ["-CONT", "--", `-${pid}`]);
      run("kill", ["-TERM", "--", `-${pid}`]);
    }
  }

  /** The scheduler state of a writer's process (T: stopped). */
  const procState = (w: (typeof WRITERS)[number]) => {
    const pid = readFileSync(writerPid(w), "utf8").trim();
    return readFileSync(`/proc/${pid}/stat`, "utf8")
      .replace(/^.*\) /s, "")
      .split(" ")[0];
  };

  /** A writer in a process group of its own (detached), its pid (the group's) in its pid file. */
  function startWriter(name: (typeof WRITERS)[number], script: string) {
    const child = spawn("bash", ["-c", script], { cwd: state(name), stdio: "ignore", detached: true });
    child.unref();
    writeFileSync(writerPid(name), `${child.pid}\n`);
  }

  /** Seeds Titan's state directories and starts their writers. */
  async function writeState() {
    for (const n of ["execution", "ai-quant", "powerlaw-lab", "brain/backups/archive", "brain/dlq"])
      mkdirSync(state(n), { recursive: true });
    // execution: a stand-in for its redb order state (execution-rs is not here), the HALT flag set.
    writeFileSync(join(state("execution"), "titan_execution.redb"), randomBytes(256 * 1024));
    writeFileSync(join(state("execution"), "system.halt"), "");
    startWriter("execution", "exec sleep 600");
    // ai-quant: a real SQLite database in WAL mode, written by one sqlite3 process the whole time.
    const db = join(state("ai-quant"), "strategic_memory.db");
    ok(
      run("sqlite3", [
        db,
        "pragma journal_mode=wal; create table insights(id integer primary key, body blob);",
      ]),
    );
    startWriter(
      "ai-quant",
      `while :; do echo "insert into insights(body) values (randomblob(2048));"; sleep 0.002; done | sqlite3 ${db}`,
    );
    writeFileSync(join(state("powerlaw-lab"), "powerlaw_state.json"), JSON.stringify({ histories: {} }));
    startWriter("powerlaw-lab", "exec sleep 600");
    const now = Date.now() / 1000;
    for (let i = 0; i < BRAIN.old + BRAIN.recent; i++) {
      const file = join(state("brain/backups"), `backup_${i}.json`);
      writeFileSync(file, JSON.stringify({ i }));
      const t = i < BRAIN.old ? now - 10 * DAY - i : now - 60 * i;
      utimesSync(file, t, t);
    }
    const archived = join(state("brain/backups/archive"), "backup_old.json");
    writeFileSync(archived, "{}");
    utimesSync(archived, now - 30 * DAY, now - 30 * DAY);
    symlinkSync(archived, join(state("brain/backups"), "link.json"));
    for (const f of ["ingestion_fail_1.json", "ingestion_fail_2.json"]) {
      writeFileSync(join(state("brain/dlq"), f), "[]");
      utimesSync(join(state("brain/dlq"), f), now - 30 * DAY, now - 30 * DAY);
    }
    // Let the writer put rows (and the -wal, -shm files) in place before the first backup.
    for (let i = 0; i < 100 && !existsSync(`${db}-shm`); i++) await new Promise((r) => setTimeout(r, 20));
  }

  async function writeData() {
    ok(run(join(PG_BIN, "createdb"), ["-h", live.pg, "-p", String(ports.pg), "-U", "titan", "titan"]));
    ok(run(join(PG_BIN, "createdb"), ["-h", live.pg, "-p", String(ports.pg), "-U", "titan", "ledger"]));
    psql(
      "titan",
      "create table trades(id serial primary key, symbol text, qty numeric); insert into trades(symbol, qty) select 'BTCUSDT', g from generate_series(1,240) g",
    );
    psql(
      "titan",
      "create table positions(symbol text primary key); insert into positions select 'S' || g from generate_series(1,7) g",
    );
    psql("ledger", "create table entries(id int); insert into entries select generate_series(1,31)");
    let nc: Awaited<ReturnType<typeof connect>> | undefined;
    for (let i = 0; i < 100 && !nc; i++) {
      nc = await connect({ servers: `127.0.0.1:${ports.nats}`, reconnect: false }).catch(async () => {
        await new Promise((r) => setTimeout(r, 50));
        return undefined;
      });
    }
    if (!nc) throw new Error("nats-server did not start");
    const jsm = await nc.jetstreamManager();
    const js = nc.jetstream();
    for (const stream of NATS_STREAMS.filter((s) => s.name in STREAM_MESSAGES)) {
      await jsm.streams.add({ name: stream.name, subjects: [...stream.subjects], storage: StorageType.File });
      const prefix = (stream.subjects[0] ?? "").replace(">", "test");
      for (let i = 0; i < (STREAM_MESSAGES[stream.name] ?? 0); i++)
        await js.publish(prefix, new TextEncoder().encode(`m${i}`));
    }
    await nc.drain();
    for (let i = 0; i < REDIS_KEYS; i++)
      ok(run("redis-cli", ["-p", String(ports.redis), "set", `titan:k${i}`, `v${i}`]));
  }

  beforeAll(async () => {
    ports = {};
    for (const k of ["pg", "nats", "redis", "spg", "snats", "smon", "sredis"]) ports[k] = await freePort();
    writeFileSync(script, buildBackupScript(), { mode: 0o755 });
    mkdirSync(d("s3"));
    ok(
      run("openssl", [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        d("s3/key.pem"),
        "-out",
        d("s3/cert.pem"),
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ]),
    );
    s3 = new S3rver({
      port: 0,
      address: "127.0.0.1",
      silent: true,
      directory: d("s3/data"),
      key: readFileSync(d("s3/key.pem")),
      cert: readFileSync(d("s3/cert.pem")),
      configureBuckets: [{ name: "titan-test-backups", configs: [] }],
    });
    s3Port = (await s3.run()).port;
    await startLive();
    await writeData();
    await writeState();
  }, 60_000);

  afterAll(async () => {
    stopLive();
    run("umount", [d("tiny")]);
    await s3?.close();
    tmp.cleanup();
  });

  const s3Env = () =>
    envFile(
      "s3.env",
      `s3:https://127.0.0.1:${s3Port}/titan-test-backups/restic`,
      creds("s3.cred", password, true),
    );

  it("initialises each repository once and backs up all three stores and the state directories (local and S3)", async () => {
    const pruned = [] as string[];
    for (const env of [localRepo(), s3Env()]) {
      ok(await backup(env, "init"));
      expect((await backup(env, "init")).stderr).toContain("already exists");
      const r = await backup(env, "run");
      expect(r.stderr).toContain("titan-backup: backup complete");
      expect(r.status).toBe(0);
      // Each database's writer stopped for its own copy only, and said so; brain never.
      for (const w of WRITERS)
        expect(r.stderr).toMatch(
          new RegExp(`titan-backup: ${w} paused for \\d+ ms while ${state(w)} was copied`),
        );
      expect(r.stderr).toContain("titan-backup: brain copied without pausing its writer");
      expect(r.stderr).toContain(
        `titan-backup: state directory not-here (${state("not-here")}) does not exist on this host: not in this snapshot`,
      );
      pruned.push(/pruned (\d+) brain snapshots/.exec(r.stderr)?.[1] ?? "none");
      for (const w of WRITERS) expect(procState(w), `${w} resumed`).not.toBe("T");
      const snaps = JSON.parse(ok(await backup(env, "snapshots"))) as { tags: string[]; hostname: string }[];
      expect(snaps.map((s) => [s.hostname, s.tags])).toEqual([["titan-test-trading", ["titan-backup"]]]);
    }
    // The first run pruned brain's 8 snapshots older than 7 days; the second found none.
    expect(pruned).toEqual([String(BRAIN.old), "0"]);
    expect(readdirSync(state("brain/backups")).sort()).toEqual(
      [
        "archive",
        "link.json",
        ...Array.from({ length: BRAIN.recent }, (_, i) => `backup_${BRAIN.old + i}.json`),
      ].sort(),
    );
    expect(readlinkSync(join(state("brain/backups"), "link.json"))).toContain("backup_old.json");
    expect(readdirSync(state("brain/dlq"))).toHaveLength(2);
    expect(existsSync(d("spool"))).toBe(false);
    expect(readFileSync(d("status/last-success"), "utf8")).toMatch(/^\d{4}-\d\d-\d\dT/);
    // The SQLite database copied while its writer was inserting opens whole, with its rows.
    ok(
      run("restic", ["-r", d("repo"), "restore", "latest", "--target", d("verify")], {
        RESTIC_PASSWORD: password,
      }),
    );
    const copy = join(d("verify"), d("spool"), "state/ai-quant/strategic_memory.db");
    const check = ok(run("sqlite3", [copy, "pragma integrity_check; select count(*) > 0 from insights;"]));
    expect(check.trim().split("\n")).toEqual(["ok", "1"]);
    rmSync(d("verify"), { recursive: true, force: true });
  }, 90_000);

  it("keeps brain's newest snapshots whatever their age (a stopped brain keeps its last ones)", async () => {
    const dir = state("brain/backups");
    const now = Date.now() / 1000;
    const left = readdirSync(dir).filter((f) => f.startsWith("backup_"));
    // All of them 20 days old now, the newest still newest.
    for (const f of left) {
      const t = now - 20 * DAY + Number(/\d+/.exec(f)?.[0]);
      utimesSync(join(dir, f), t, t);
    }
    const env = envFile("prune.env", d("repo-prune"), creds("prune.cred", password));
    ok(await backup(env, "init"));
    const r = await backup(env, "run");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`pruned ${left.length - BRAIN.keepNewest} brain snapshots older than 7 days`);
    const byNumber = (a: string, b: string) => Number(/\d+/.exec(a)?.[0]) - Number(/\d+/.exec(b)?.[0]);
    expect(
      readdirSync(dir)
        .filter((f) => f.startsWith("backup_"))
        .sort(byNumber),
    ).toEqual(left.sort(byNumber).slice(-BRAIN.keepNewest));
    expect(readdirSync(join(dir, "archive"))).toEqual(["backup_old.json"]);
  }, 60_000);

  it("fails with a clear error and makes no snapshot when a state copy fails, leaving no writer stopped", async () => {
    // A spool on a 24 MiB file system, and 48 MiB of order state: the copy of execution's directory,
    // taken while its writer is stopped, runs out of space.
    mkdirSync(d("tiny"));
    ok(run("mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", d("tiny")]));
    const big = join(state("execution"), "big.redb");
    writeFileSync(big, randomBytes(48 * 1024 * 1024));
    try {
      const env = envFile("tiny.env", d("repo"), creds("tiny.cred", password), { spoolDir: d("tiny/spool") });
      const r = await backup(env, "run");
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        `titan-backup: ERROR: copying ${state("execution")} failed; no snapshot was made`,
      );
      expect(r.stderr).not.toContain("backup complete");
      for (const w of WRITERS) expect(procState(w), `${w} resumed`).not.toBe("T");
      expect(readdirSync(d("tiny"))).toEqual([]);
      expect(JSON.parse(ok(await backup(localRepo(), "snapshots")))).toHaveLength(1);
      expect(existsSync(join(state("execution"), "titan_execution.redb"))).toBe(true);
    } finally {
      rmSync(big, { force: true });
    }
  }, 60_000);

  it("refuses a wrong repository key with a clear error and changes nothing", async () => {
    const env = envFile(
      "wrong.env",
      d("repo"),
      creds("wrong.cred", `fake-wrong-key-${randomBytes(16).toString("hex")}`),
    );
    const r = await backup(env, "run");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `titan-backup: ERROR: the repository key in ${d("wrong.cred")} does not open ${d("repo")} (wrong password); nothing was changed`,
    );
    expect((await backup(env, "init")).stderr).toContain("not initialising over it");
    expect(JSON.parse(ok(await backup(localRepo(), "snapshots")))).toHaveLength(1);
  });

  it("refuses an empty repository (backup and drill) without initialising it", async () => {
    mkdirSync(d("empty"));
    const env = envFile("empty.env", d("empty"), creds("empty.cred", password));
    for (const args of [["run"], ["drill", "latest"], ["check"]]) {
      const r = await backup(env, ...args);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        `titan-backup: ERROR: no restic repository at ${d("empty")}; run 'titan-backup init' once; nothing was changed`,
      );
    }
    expect(readdirSync(d("empty"))).toEqual([]);
    expect(() => pickSnapshot("[]")).toThrow(
      "the repository holds no titan-backup snapshot: nothing to restore",
    );
  });

  it("passes restic check", async () => {
    expect((await backup(localRepo(), "check")).stderr).toContain("titan-backup: repository check passed");
  }, 30_000);

  it("restores into scratch servers after the live data is destroyed, with the same rows, messages and keys", async () => {
    stopLive();
    rmSync(d("live"), { recursive: true, force: true });
    for (const [env, files] of [
      [localRepo(), STATE_FILES],
      [s3Env(), STATE_FILES_AFTER_PRUNE],
    ] as const) {
      const chosen = pickSnapshot(ok(await backup(env, "snapshots")));
      const result = parseDrillOutput(ok(await backup(env, "drill", chosen.id)));
      expect(result.snapshot.id).toBe(chosen.id);
      expect(Object.fromEntries(result.tables.map((t) => [t.name, t.rows]))).toEqual(ROWS);
      expect(Object.fromEntries(result.streams.map((s) => [s.name, s.messages]))).toEqual(STREAM_MESSAGES);
      expect(result.redisKeys).toBe(REDIS_KEYS);
      expect(result.stateDirs).toEqual([
        ...Object.entries(files).map(([name, n]) => ({ name, files: n })),
        { name: "not-here", files: "absent" },
      ]);
      expect(result.flags).toEqual(FLAGS);
      expect(readdirSync(d("drill"))).toEqual([]);
    }
  }, 60_000);

  it("fails the drill on a truncated dump with a clear error, deleting no snapshot and leaving no scratch", async () => {
    // A snapshot whose titan.dump lost its second half, at the path the script spools to.
    const env = localRepo();
    const restored = d("restore-copy");
    ok(
      run("restic", ["-r", d("repo"), "restore", "latest", "--target", restored], {
        RESTIC_PASSWORD: password,
      }),
    );
    const copy = join(restored, d("spool"));
    const dump = join(copy, "postgres/titan.dump");
    truncateSync(dump, Math.floor(readFileSync(dump).length / 2));
    rmSync(d("spool"), { recursive: true, force: true });
    ok(run("cp", ["-a", copy, d("spool")]));
    ok(
      run(
        "restic",
        [
          "-r",
          d("repo"),
          "backup",
          "-q",
          "--host",
          "titan-test-trading",
          "--tag",
          "titan-backup",
          d("spool"),
        ],
        { RESTIC_PASSWORD: password },
      ),
    );
    rmSync(d("spool"), { recursive: true, force: true });
    const bad = pickSnapshot(ok(await backup(env, "snapshots")));
    const r = await backup(env, "drill", bad.id);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `titan-backup: ERROR: pg_restore of titan.dump from snapshot ${bad.id} failed: the dump is damaged or truncated`,
    );
    expect(() => parseDrillOutput(r.stdout)).toThrow("the drill did not finish");
    expect(readdirSync(d("drill"))).toEqual([]);
    expect(JSON.parse(ok(await backup(env, "snapshots")))).toHaveLength(2);
  }, 60_000);
});
