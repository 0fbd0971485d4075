// The trading host's backup, rehearsed on the rehearsal's daemon once the containers are healthy:
// real data seeded through the live containers, then `titan-backup init | run | snapshots |
// drill latest` with the docker runtime exactly as the stack installs it (only host paths
// re-rooted, a local restic repository), the drill's counts compared with the seeded ones, and
// the live stores checked afterwards (running, healthy, nats not paused, no scratch left).
// Titan's state directories are seeded as uid 1001 with `docker exec` into the running stand-ins
// that mount them (execution's flags written in its working directory), and the writers the
// backup pauses must be running, healthy and not paused afterwards; brain's old snapshots pruned.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { buildBackupEnv } from "../../infra/builders/backup/backup-env";
import { buildBackupScript } from "../../infra/builders/backup/backup-script";
import { buildCredentialsFile } from "../../infra/builders/backup/credentials";
import { BACKUP_PATHS, spacesRepository } from "../../infra/builders/backup/paths";
import { BRAIN_SNAPSHOT_PRUNING, tradingBackupEnvInput } from "../../infra/builders/backup/trading-host";
import { parseStackConfig } from "../../infra/config/parse";
import { NATS_STREAMS } from "../../infra/model/nats-permissions";
import { REDIS_CONF_PATH } from "../../infra/model/paths";
import { prepareOfflineSecrets } from "../engine/offline-secrets";
import { readStackFiles } from "../engine/stack-files";
import { parseDrillOutput, pickSnapshot } from "../restore-drill/report";
import {
  type BackupStep,
  compareDrill,
  demuxLogs,
  installedFiles,
  lastLine,
  rehearsalBackupInput,
  requirepassOf,
  type Seeded,
} from "./backup";
import { waitFor } from "./daemon";
import type { EngineClient } from "./engine-client";
import { type ContainerInputs, containerPlan } from "./engine-requests";
import { envValue } from "./nats-auth";
import { localTag } from "./stand-ins";

const SEED = { rows: 240, messages: 120, redisKeys: 25 };
/** brain/backups: 64 snapshots 10 days old and 6 of the last minutes; 2 dead letters in dlq. */
const BRAIN_SEED = { old: 64, recent: 6, deadLetters: 2 };
/**
 * What each state directory gets, as sh run as the container's user in the directory (execution:
 * its working directory, where execution-rs writes its flags). Plain files: the stand-ins have no
 * redb or SQLite; the round-trip test copies a live SQLite database.
 */
function stateSeed(name: string): string {
  const bytes = (n: number, f: string) => `head -c ${n} /dev/urandom > ${f}`;
  switch (name) {
    case "execution":
      return [bytes(262144, "titan_execution.redb"), ": > system.halt", ": > execution.armed"].join(" && ");
    case "ai-quant":
      return ["", "-wal", "-shm"].map((x) => bytes(32768, `strategic_memory.db${x}`)).join(" && ");
    case "powerlaw-lab":
      return `echo '{"histories":{}}' > powerlaw_state.json`;
    case "brain": {
      const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString().slice(0, 19).replace("T", " ");
      const files = Array.from({ length: BRAIN_SEED.old + BRAIN_SEED.recent }, (_, i) => {
        const ago = i < BRAIN_SEED.old ? 10 * 86_400_000 + i * 60_000 : (i - BRAIN_SEED.old) * 60_000;
        return `echo '{}' > backups/backup_${i}.json && touch -d '${at(ago)}' backups/backup_${i}.json`;
      });
      const dlq = Array.from(
        { length: BRAIN_SEED.deadLetters },
        (_, i) => `echo '[]' > dlq/ingestion_fail_${i}.json`,
      );
      return ["mkdir -p backups dlq", ...files, ...dlq].join(" && ");
    }
    default:
      throw new Error(`no seed for state directory ${name}`);
  }
}
/** The stream brain creates that the seed fills (brain's contract lists it in streamsCreated). */
const SEED_STREAM = "TITAN_EVT";
const SEED_CONTAINER = "rehearsal-seed-nats";
/** nats.js and what it requires at run time, bind-mounted read-only into the seed container. */
const NATS_PACKAGES = ["nats", "nkeys.js", "tweetnacl"];

export interface BackupContext {
  dir: string;
  stack: string;
  tmp: string;
  hostRoot: string;
  socket: string;
  client: EngineClient;
  /** Where the rehearsal maps a plan bind source (under hostRoot), as for the live containers. */
  bindSource: (hostPath: string) => string;
  containers: readonly ContainerInputs[];
  /** The plan's stdin of the backup install command. */
  installScript: string;
  /** The plan's backup bucket (name, region): the repository production uses. */
  bucket: { name: string; region: string };
  log: (s: string) => void;
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  cmd: string,
  args: string[],
  o: { env: NodeJS.ProcessEnv; input?: string; timeoutMs: number },
): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: o.env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs);
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? 128,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: `${Buffer.concat(err).toString("utf8")}${signal ? `\nkilled by ${signal} after ${o.timeoutMs / 1000} s` : ""}`,
      });
    });
    child.stdin.end(o.input ?? "");
  });
}

/** The error of a failed program: its exit code and the last lines it wrote to stderr. */
const failure = (what: string, r: Ran) => {
  const tail = r.stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-3)
    .join(" | ");
  return new Error(`${what} exited ${r.code}: ${tail || lastLine(r.stdout) || "no output"}`);
};

/** The stack's validated config, read as the program reads it (offline fakes for secrets). */
function stackConfig(dir: string, stack: string) {
  const secrets = prepareOfflineSecrets(readStackFiles(dir, stack));
  const strip = (k: string) => k.slice("titan:".length);
  const values = Object.fromEntries(
    Object.entries(secrets.values)
      .filter(([k]) => k.startsWith("titan:"))
      .map(([k, v]) => [strip(k), v]),
  );
  const secretKeys = new Set(secrets.secretKeys.filter((k) => k.startsWith("titan:")).map(strip));
  return parseStackConfig({ values, secretKeys });
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the plan has no ${what}`);
  return value;
}

export async function rehearseBackup(ctx: BackupContext): Promise<BackupStep[]> {
  const steps: BackupStep[] = [];
  const step = async (name: string, fn: () => Promise<string>, always = false) => {
    if (!always && steps.some((s) => s.result !== "ok")) {
      steps.push({ step: name, result: "skipped", detail: "an earlier step failed" });
      return;
    }
    const started = Date.now();
    try {
      const detail = await fn();
      steps.push({ step: name, result: "ok", detail });
    } catch (err) {
      steps.push({ step: name, result: "failed", detail: err instanceof Error ? err.message : String(err) });
    }
    ctx.log(`backup: ${name} ${steps.at(-1)?.result} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  };
  const dockerEnv = { ...process.env, DOCKER_HOST: `unix://${ctx.socket}` };
  const docker = (args: string[], input?: string, env: NodeJS.ProcessEnv = dockerEnv) =>
    run("docker", args, { env, input, timeoutMs: 60_000 });

  const cfg = stackConfig(ctx.dir, ctx.stack);
  // The settings production installs (the same builder calls as infra/components/backup.ts).
  const prod = tradingBackupEnvInput({
    repository: spacesRepository(ctx.bucket.region, ctx.bucket.name),
    label: ctx.stack,
    retention: cfg.backupRetention,
  });
  if (prod.runtime.kind !== "docker") throw new Error("the stack's backup runtime is not docker");
  const names = prod.runtime.containers;
  const runtime = prod.runtime;
  const byName = (n: string) =>
    need(
      ctx.containers.find((c) => c.name === n),
      `container ${n}`,
    );
  const input = rehearsalBackupInput(prod, {
    hostRoot: ctx.hostRoot,
    repository: join(ctx.tmp, "restic-repo"),
  });
  const script = join(ctx.hostRoot, BACKUP_PATHS.script);
  const envFile = join(ctx.hostRoot, BACKUP_PATHS.envFile);
  const backup = (sub: string[]) =>
    run("bash", [script, ...sub], {
      env: { ...dockerEnv, TITAN_BACKUP_ENV: envFile },
      timeoutMs: 90_000,
    });
  let seeded: Seeded | undefined;

  await step("settings as planned", async () => {
    const planned = installedFiles(ctx.installScript);
    if (planned.get(BACKUP_PATHS.envFile) !== buildBackupEnv(prod))
      throw new Error(
        `${BACKUP_PATHS.envFile} in the plan's install differs from buildBackupEnv(tradingBackupEnvInput(...))`,
      );
    if (planned.get(BACKUP_PATHS.script) !== buildBackupScript())
      throw new Error(`${BACKUP_PATHS.script} in the plan's install differs from buildBackupScript()`);
    for (const [path, text, mode] of [
      [script, buildBackupScript(), 0o755],
      [envFile, buildBackupEnv(input), 0o644],
      // A generated, obviously fake repository key; never printed.
      [
        input.credentialsFile,
        buildCredentialsFile({
          resticPassword: `fake-rehearsal-repo-key-${randomBytes(24).toString("hex")}`,
        }),
        0o600,
      ],
    ] as const) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      chmodSync(path, mode);
    }
    return `backup.env and titan-backup equal the plan's install; host paths under ${ctx.hostRoot}`;
  });

  const rows = async () => {
    const pg = byName(names.postgres);
    const user = envValue(pg.envs, "POSTGRES_USER") ?? "postgres";
    const db = envValue(pg.envs, "POSTGRES_DB") ?? user;
    // As Titan would: the stack's role, into the stack's database, through the live container.
    const sql = [
      "CREATE TABLE rehearsal_fills (id bigserial PRIMARY KEY, symbol text NOT NULL, qty numeric NOT NULL, at timestamptz NOT NULL DEFAULT now());",
      `INSERT INTO rehearsal_fills (symbol, qty) SELECT 'BTCUSDT', g FROM generate_series(1, ${SEED.rows}) g;`,
      "SELECT count(*) FROM rehearsal_fills;",
    ].join("\n");
    const r = await docker(
      ["exec", "-i", names.postgres, "psql", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-U", user, "-d", db],
      sql,
    );
    if (r.code !== 0) throw failure(`psql in ${names.postgres}`, r);
    return { table: `${db}.public.rehearsal_fills`, rows: Number(lastLine(r.stdout)) };
  };

  const redisKeys = async () => {
    const carrier = ctx.containers.find((c) => c.uploads?.some((u) => u.file === REDIS_CONF_PATH));
    const conf = need(
      carrier?.uploads?.find((u) => u.file === REDIS_CONF_PATH),
      `upload of ${REDIS_CONF_PATH}`,
    );
    const text = conf.content ?? Buffer.from(conf.contentBase64 ?? "", "base64").toString("utf8");
    const password = need(requirepassOf(text), `requirepass in ${REDIS_CONF_PATH}`);
    const commands = [
      ...Array.from({ length: SEED.redisKeys }, (_, i) => `SET titan:rehearsal:${i} v${i}`),
      "DBSIZE",
    ].join("\n");
    // Authenticated as a client of the stack would be: the password from the uploaded redis.conf,
    // handed to redis-cli in its environment (`-e NAME` takes the value from docker's env, not argv).
    const r = await docker(
      ["exec", "-i", "-e", "REDISCLI_AUTH", names.redis, "redis-cli", "-h", "127.0.0.1"],
      `${commands}\n`,
      { ...dockerEnv, REDISCLI_AUTH: password },
    );
    if (r.code !== 0 || /NOAUTH|ERR|WRONGPASS/.test(r.stdout))
      throw failure(`redis-cli in ${names.redis}`, r);
    return Number(lastLine(r.stdout));
  };

  const streamMessages = async () => {
    // A throw-away container with brain's plan inputs (image stand-in, env with NATS_URL/USER/PASS
    // and NODE_EXTRA_CA_CERTS, the config volume with the stack CA read-only, the same networks,
    // user and hardening) runs nats.js from this repository's node_modules, mounted read-only:
    // TLS to `nats`, brain's login and ACL, JetStream's file store, as brain would create it.
    const brain = need(
      ctx.containers.find((c) => envValue(c.envs, "NATS_USER") === "brain"),
      "container logging in to NATS as brain",
    );
    const stream = need(
      NATS_STREAMS.find((s) => s.name === SEED_STREAM),
      `stream ${SEED_STREAM}`,
    );
    const subject = (stream.subjects[0] ?? "").replace(">", "rehearsal.seed").replace("*", "x");
    const seedDir = join(ctx.tmp, "seed");
    for (const p of NATS_PACKAGES) mkdirSync(join(seedDir, "node_modules", p), { recursive: true });
    writeFileSync(join(seedDir, "seed.js"), SEED_JS);
    const own = join(ctx.dir, "node_modules");
    const c: ContainerInputs = {
      ...brain,
      name: SEED_CONTAINER,
      command: [
        "node",
        "/seed/seed.js",
        stream.name,
        stream.subjects.join(","),
        subject,
        String(SEED.messages),
      ],
      labels: [],
      restart: "no",
      ports: [],
      mounts: [
        ...(brain.mounts ?? []),
        { type: "bind", source: seedDir, target: "/seed", readOnly: true },
        ...NATS_PACKAGES.map((p) => ({
          type: "bind",
          source: join(own, p),
          target: `/seed/node_modules/${p}`,
          readOnly: true,
        })),
      ],
    };
    delete c.healthcheck;
    // brain's own bind mounts map as the live brain's did; the seed's sources are real paths.
    const plan = containerPlan(c, {
      image: localTag(brain.image),
      bindSource: (p) => (p === seedDir || p.startsWith(`${own}/`) ? p : ctx.bindSource(p)),
    });
    const client = ctx.client;
    const id = encodeURIComponent(SEED_CONTAINER);
    try {
      await client.call(plan.create.method, plan.create.path, plan.create.body);
      for (const call of plan.connects) {
        try {
          await client.call(call.method, call.path, call.body);
        } catch (err) {
          if (!String(err).includes("is not connected to the network bridge")) throw err;
        }
      }
      await client.call("POST", `/containers/${id}/start`);
      let timer: NodeJS.Timeout | undefined;
      const exited = await Promise.race([
        client.call("POST", `/containers/${id}/wait`) as Promise<{ StatusCode: number }>,
        new Promise<undefined>((r) => {
          timer = setTimeout(() => r(undefined), 30_000);
        }),
      ]);
      clearTimeout(timer);
      const logs = demuxLogs((await client.raw("GET", `/containers/${id}/logs?stdout=1&stderr=1`)).body);
      if (exited?.StatusCode !== 0)
        throw new Error(
          `seed container ${exited ? `exited ${exited.StatusCode}` : "did not finish in 30 s"}: ${lastLine(logs.stderr) || lastLine(logs.stdout)}`,
        );
      const result = JSON.parse(lastLine(logs.stdout)) as { messages: number };
      return { stream: stream.name, messages: result.messages };
    } finally {
      await client.call("DELETE", `/containers/${id}?force=1`).catch(() => undefined);
    }
  };

  /** Each state directory's container (the one bind-mounting its host path) and path inside it. */
  const stateMounts = prod.runtime.stateDirs.map((d) => {
    const c = need(
      ctx.containers.find((x) => x.mounts?.some((m) => m.type === "bind" && m.source === d.path)),
      `container mounting ${d.path}`,
    );
    const target = need(c.mounts?.find((m) => m.source === d.path)?.target, `mount of ${d.path}`);
    return { dir: d, container: c, target };
  });

  /** Seeds each state directory through its running container, as its user; files counted there. */
  const stateFiles = async () => {
    const files: Record<string, number> = {};
    const flags: Record<string, boolean> = {};
    const users = new Set<string>();
    for (const { dir, container, target } of stateMounts) {
      // execution: no cd, its flags go where execution-rs writes them, its working directory.
      const cd = container.workingDir === target ? `[ "$(pwd)" = '${target}' ] || exit 3` : `cd '${target}'`;
      const r = await docker([
        "exec",
        container.name,
        "sh",
        "-c",
        `${cd} && ${stateSeed(dir.name)} && id -u && find . -type f | wc -l`,
      ]);
      if (r.code !== 0) throw failure(`seeding ${dir.name} in ${container.name}`, r);
      const [uid, count] = r.stdout.trim().split("\n").slice(-2);
      users.add(`${container.name} uid ${uid}`);
      files[dir.name] = Number(count);
      for (const f of dir.flags ?? []) {
        const t = await docker(["exec", container.name, "test", "-e", `${target}/${f}`]);
        flags[`${dir.name}/${f}`] = t.code === 0;
      }
    }
    return { files, flags, users: [...users] };
  };

  await step("seed live stores", async () => {
    const [pg, keys, js, state] = await Promise.all([rows(), redisKeys(), streamMessages(), stateFiles()]);
    seeded = { ...pg, ...js, redisKeys: keys, stateFiles: state.files, flags: state.flags };
    const want = `${SEED.rows} rows, ${SEED.messages} messages, ${SEED.redisKeys} keys`;
    const got = `${pg.rows} rows, ${js.messages} messages, ${keys} keys`;
    if (got !== want) throw new Error(`seeded ${got}, meant ${want}`);
    const brain = BRAIN_SEED.old + BRAIN_SEED.recent + BRAIN_SEED.deadLetters;
    if (state.files.brain !== brain)
      throw new Error(`seeded brain ${state.files.brain} files, meant ${brain}`);
    const notOwner = state.users.filter((u) => !u.endsWith("uid 1001"));
    if (notOwner.length) throw new Error(`state seeded as ${notOwner.join(", ")}, not uid 1001`);
    const stateDetail = Object.entries(state.files)
      .map(([n, c]) => `${n} ${c}`)
      .join(", ");
    return `postgres ${pg.table} ${pg.rows} rows (psql as the stack's user); redis ${keys} keys (requirepass); nats ${js.stream} ${js.messages} messages (nats.js as brain, TLS); state files ${stateDetail} (docker exec as uid 1001)`;
  });

  await step("titan-backup init", async () => {
    const r = await backup(["init"]);
    if (r.code !== 0) throw failure("titan-backup init", r);
    return lastLine(r.stderr).replace(ctx.tmp, "$TMP");
  });

  await step("titan-backup run", async () => {
    const r = await backup(["run"]);
    if (r.code !== 0 || !r.stderr.includes("titan-backup: backup complete"))
      throw failure("titan-backup run", r);
    const lines = r.stderr.split("\n").map((l) => l.replace(/^titan-backup: /, ""));
    const paused = lines.filter((l) => / paused for /.test(l));
    // Every directory whose writer holds a live database was copied with that writer paused.
    const notPaused = runtime.stateDirs
      .filter((d) => d.pauseContainer !== undefined)
      .filter((d) => !paused.some((l) => l.startsWith(`${d.name} paused for `)));
    if (notPaused.length)
      throw new Error(`not copied paused: ${notPaused.map((d) => d.name).join(", ")}; ${lastLine(r.stderr)}`);
    const pruned = lines.find((l) => l.startsWith("pruned ")) ?? "no pruning line";
    const short = (l: string) => l.replace(/ while .*$/, "");
    return `backup complete; ${paused.map(short).join(", ")}; ${pruned.replace(/ from .*$/, "")}`;
  });

  await step("titan-backup snapshots", async () => {
    const r = await backup(["snapshots"]);
    if (r.code !== 0) throw failure("titan-backup snapshots", r);
    const list = JSON.parse(r.stdout) as { hostname: string; tags?: string[] }[];
    const chosen = pickSnapshot(r.stdout);
    if (list.length !== 1 || list[0]?.hostname !== prod.backupHost)
      throw new Error(
        `expected one snapshot of ${prod.backupHost}, got ${JSON.stringify(list.map((s) => s.hostname))}`,
      );
    return `1 snapshot ${chosen.id.slice(0, 8)}, host ${prod.backupHost}, tags ${list[0]?.tags?.join(",")}`;
  });

  await step("titan-backup drill latest", async () => {
    const r = await backup(["drill", "latest"]);
    if (r.code !== 0) throw failure("titan-backup drill latest", r);
    const drill = parseDrillOutput(r.stdout);
    const compared = compareDrill(need(seeded, "seed"), drill);
    if (!compared.ok) throw new Error(`restored counts differ: ${compared.detail}`);
    return `restored ${compared.detail}`;
  });

  await step("brain snapshots pruned", async () => {
    const brain = need(
      stateMounts.find((m) => `${m.dir.path}/backups` === BRAIN_SNAPSHOT_PRUNING.dir),
      "brain's state directory",
    );
    const r = await docker([
      "exec",
      brain.container.name,
      "sh",
      "-c",
      `cd '${brain.target}' && ls backups | wc -l && ls dlq | wc -l && ls backups | grep -c '^backup_[0-9]*\\.json$'`,
    ]);
    if (r.code !== 0) throw failure(`listing brain's snapshots in ${brain.container.name}`, r);
    const [snapshots, deadLetters] = r.stdout.trim().split("\n").map(Number);
    const keep = BRAIN_SNAPSHOT_PRUNING.keepNewest;
    if (snapshots !== keep || deadLetters !== BRAIN_SEED.deadLetters)
      throw new Error(
        `brain has ${snapshots} snapshots and ${deadLetters} dead letters; meant the newest ${keep} and ${BRAIN_SEED.deadLetters}`,
      );
    return `${BRAIN_SEED.old + BRAIN_SEED.recent} seeded (${BRAIN_SEED.old} older than ${BRAIN_SNAPSHOT_PRUNING.keepDays} days): the newest ${keep} kept; ${deadLetters} dead letters untouched`;
  });

  await step(
    "live stores after",
    async () => {
      const stores = [names.postgres, names.redis, names.nats, ...stateMounts.map((m) => m.container.name)];
      const state = new Map<string, string>();
      const first = new Map<string, string>();
      const since = Date.now();
      await waitFor(
        async () => {
          for (const n of stores) {
            const info = (await ctx.client.call("GET", `/containers/${encodeURIComponent(n)}/json`)) as {
              State: { Running: boolean; Paused: boolean; Health?: { Status: string } };
            };
            state.set(
              n,
              info.State.Paused
                ? "paused"
                : !info.State.Running
                  ? "not running"
                  : (info.State.Health?.Status ?? "no healthcheck"),
            );
          }
          if (first.size === 0) for (const [n, s] of state) first.set(n, s);
          return [...state.values()].every((s) => s === "healthy");
        },
        20_000,
        500,
      );
      const bad = [...state].filter(([, s]) => s !== "healthy");
      if (bad.length) throw new Error(bad.map(([n, s]) => `${n} ${s}`).join(", "));
      const waited = [...first].filter(([, s]) => s !== "healthy");
      return `${stores.join(", ")} running and healthy, none paused${
        waited.length
          ? ` (at first ${waited.map(([n, s]) => `${n} ${s}`).join(", ")}, healthy after ${Math.round((Date.now() - since) / 1000)} s: docker pause marks a container unhealthy until its next probe)`
          : ""
      }`;
    },
    true,
  );

  await step(
    "scratch removed",
    async () => {
      const left = (
        (await ctx.client.call("GET", "/containers/json?all=1")) as { Names: string[] }[]
      ).flatMap((c) => c.Names.filter((n) => /^\/?titan-drill-/.test(n)));
      const files = [input.spoolDir, input.drillDir].filter(
        (d) => existsSync(d) && readdirSync(d).length > 0,
      );
      if (left.length || files.length)
        throw new Error(
          [
            left.length ? `containers left: ${left.join(", ")}` : "",
            files.length ? `not empty: ${files.join(", ")}` : "",
          ]
            .filter(Boolean)
            .join("; "),
        );
      return "no titan-drill-* container; spool and drill directories empty";
    },
    true,
  );
  return steps;
}

// Runs as brain's user in the seed container: the stream as brain would create it (file storage),
// then N acknowledged publishes; prints the stream's message count as JSON on its last line.
const SEED_JS = `"use strict";
const { connect } = require("nats");
const [stream, subjects, subject, count] = process.argv.slice(2);
(async () => {
  const nc = await connect({
    servers: process.env.NATS_URL,
    user: process.env.NATS_USER,
    pass: process.env.NATS_PASS,
    timeout: 10000,
    reconnect: false,
  });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: stream, subjects: subjects.split(","), storage: "file" });
  const js = nc.jetstream();
  for (let i = 0; i < Number(count); i++) await js.publish(subject, new TextEncoder().encode("m" + i));
  const info = await jsm.streams.info(stream);
  await nc.drain();
  console.log(JSON.stringify({ stream, messages: info.state.messages }));
})().catch((err) => {
  console.error("seed: " + (err && err.message ? err.message : String(err)));
  process.exit(1);
});
`;
