// The non-secret settings file the backup script sources: paths, retention, and the hooks that
// reach each store. Two runtimes share every line of the script's logic:
// - docker: the stores are the stack's containers (nats, postgres, redis) on the trading host, and
//   the drill's scratch servers are throwaway containers of the same images on network none;
// - local: the stores are processes on this machine (the real-program tests use this).
// Titan's state directories on the data volume (stateDirs) are copied as files: a directory whose
// writer holds a live database is copied while that writer is frozen (docker: `docker pause` of its
// container; local: SIGSTOP to the process group in a pid file), the others live.

import { PORTS } from "../../model/ports";
import { type BackupRetention, forgetPolicyArgs } from "./retention";

const PATH_PATTERN = /^\/[A-Za-z0-9._/-]*$/;

/** One of Titan's state directories on the data volume, as the backup copies it. */
export interface StateDir {
  /** Its name in the snapshot (`state/<name>`) and in the drill's output. */
  name: string;
  /** Host path of the directory. */
  path: string;
  /**
   * Files whose presence is the state (execution's `system.halt`, `execution.armed`): the drill
   * says whether each came back.
   */
  flags?: readonly string[];
}

export interface DockerStateDir extends StateDir {
  /** The container that writes it, paused for the copy; absent: copied live (files written whole). */
  pauseContainer?: string;
}

export interface LocalStateDir extends StateDir {
  /** Pid file of a process-group leader stopped (SIGSTOP) for the copy; absent: copied live. */
  stopPidFile?: string;
}

/** Pruning of brain's state snapshots (Titan writes one a minute and never deletes them). */
export interface SnapshotPruning {
  /** The directory whose old regular files are deleted (brain's `data/backups`), nothing else. */
  dir: string;
  /** Files older than this many days go... */
  keepDays: number;
  /** ...except the newest this many, whatever their age (a stopped brain keeps its last ones). */
  keepNewest: number;
}

export interface DockerRuntime {
  kind: "docker";
  /** Container names of the live stores (the stack names them after the service). */
  containers: { postgres: string; redis: string; nats: string };
  /** Host paths of the live stores' data (bind-mounted into the containers). */
  jetstreamDir: string;
  redisRdb: string;
  /** redis.conf inside the redis container: redis-cli reads requirepass from it, never argv. */
  redisConfPath: string;
  stateDirs: readonly DockerStateDir[];
}

export interface LocalRuntime {
  kind: "local";
  /** Directory of the PostgreSQL client and server programs (initdb, pg_ctl, pg_dump, psql). */
  pgBinDir: string;
  pgSocketDir: string;
  pgPort: number;
  redisPort: number;
  jetstreamDir: string;
  redisRdb: string;
  natsPidFile: string;
  /** Unprivileged user the scratch PostgreSQL runs as (initdb refuses root). */
  runAs: string;
  stateDirs: readonly LocalStateDir[];
  scratchPorts: { pg: number; nats: number; natsMonitor: number; redis: number };
}

export interface BackupEnvInput {
  repository: string;
  credentialsFile: string;
  cacheDir: string;
  spoolDir: string;
  drillDir: string;
  statusDir: string;
  /** restic's --host: one name per stack, so snapshots of two stacks never mix. */
  backupHost: string;
  retention: BackupRetention;
  pgUser: string;
  runtime: DockerRuntime | LocalRuntime;
  /** restic check --read-data-subset (default 10%). */
  checkReadSubset?: string;
  /** Old brain snapshots deleted after each successful backup; absent: nothing is pruned. */
  pruning?: SnapshotPruning;
}

/** Single-quoted for sh; refuses what cannot be quoted safely. */
export function shellQuote(value: string): string {
  if (/[\n\r\0]/.test(value)) throw new Error(`'${value}' contains a line break or NUL`);
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function path(key: string, value: string): string {
  if (!PATH_PATTERN.test(value)) throw new Error(`${key}: '${value}' is not an absolute path`);
  return value;
}

function port(key: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new Error(`${key}: ${value} is not a TCP port`);
  return value;
}

const CONTAINER = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
const STATE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const FLAG_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * STATE_DIRS ('name:path:pause|live' words) and STATE_FLAGS ('name/file' words), checked so that
 * neither can hold a space, a colon or a quote; `pausing` says whether a directory's writer is frozen.
 */
function stateDirLines(dirs: readonly StateDir[], pausing: (d: StateDir) => boolean): string[] {
  const seen = new Set<string>();
  for (const d of dirs) {
    if (!STATE_NAME.test(d.name)) throw new Error(`stateDirs: '${d.name}' is not a plain directory name`);
    if (seen.has(d.name)) throw new Error(`stateDirs: '${d.name}' is listed twice`);
    seen.add(d.name);
    // PATH_PATTERN admits no colon and no space: a word of STATE_DIRS splits back unambiguously.
    path(`stateDirs.${d.name}`, d.path);
    for (const f of d.flags ?? [])
      if (!FLAG_FILE.test(f)) throw new Error(`stateDirs.${d.name}: flag '${f}' is not a plain file name`);
  }
  const words = dirs.map((d) => `${d.name}:${d.path}:${pausing(d) ? "pause" : "live"}`);
  const flags = dirs.flatMap((d) => (d.flags ?? []).map((f) => `${d.name}/${f}`));
  return [`STATE_DIRS=${shellQuote(words.join(" "))}`, `STATE_FLAGS=${shellQuote(flags.join(" "))}`];
}

/** A bash `case` over the state directories' names, one branch each; others fall through to `fallback`. */
function caseOf(
  dirs: readonly StateDir[],
  branch: (d: StateDir) => string | undefined,
  fallback: string,
): string {
  const arms = dirs.flatMap((d) => {
    const b = branch(d);
    return b === undefined ? [] : [`${d.name}) ${b} ;;`];
  });
  return `case "$1" in ${[...arms, `*) ${fallback} ;;`].join(" ")} esac`;
}

function dockerHooks(rt: DockerRuntime): string[] {
  for (const [k, v] of Object.entries(rt.containers)) {
    if (!CONTAINER.test(v)) throw new Error(`containers.${k}: '${v}' is not a container name`);
  }
  const { postgres, redis, nats } = rt.containers;
  const conf = path("redisConfPath", rt.redisConfPath);
  for (const d of rt.stateDirs)
    if (d.pauseContainer !== undefined && !CONTAINER.test(d.pauseContainer))
      throw new Error(`stateDirs.${d.name}.pauseContainer: '${d.pauseContainer}' is not a container name`);
  const container = (d: DockerStateDir) => d.pauseContainer;
  // Scratch containers: network none, named titan-drill-*, images of the live containers (no pull).
  return [
    `JETSTREAM_DIR=${shellQuote(path("jetstreamDir", rt.jetstreamDir))}`,
    `REDIS_RDB=${shellQuote(path("redisRdb", rt.redisRdb))}`,
    `pg_exec() { docker exec -i ${postgres} "$@"; }`,
    `redis_cli() { docker exec ${redis} sh -c 'REDISCLI_AUTH="$(awk '"'"'$1=="requirepass"{gsub(/"/,"",$2);print $2}'"'"' ${conf})" exec redis-cli -h 127.0.0.1 "$@"' redis-cli "$@"; }`,
    `nats_freeze() { docker pause ${nats} >/dev/null; }`,
    `nats_thaw() { docker unpause ${nats} >/dev/null; }`,
    ...stateDirLines(rt.stateDirs, (d) => container(d) !== undefined),
    // The writer's state: running (pause it), or anything else (paused by someone else, exited,
    // absent): no process of it writes, so the directory is copied as it is.
    `state_writer() { ${caseOf(rt.stateDirs, (d) => (container(d) ? `docker inspect -f '{{.State.Status}}' ${container(d)} 2>/dev/null || echo absent` : undefined), "echo none")}; }`,
    `state_freeze() { ${caseOf(rt.stateDirs, (d) => (container(d) ? `docker pause ${container(d)} >/dev/null` : undefined), "return 1")}; }`,
    `state_thaw() { ${caseOf(rt.stateDirs, (d) => (container(d) ? `docker unpause ${container(d)} >/dev/null` : undefined), "return 1")}; }`,
    `image_of() { docker inspect -f '{{.Config.Image}}' "$1"; }`,
    // POSTGRES_DB=postgres: the entrypoint would otherwise create a database named after
    // POSTGRES_USER (titan), and `pg_restore --create` of titan.dump then fails on it.
    `scratch_pg_start() { mkdir -p "$1/pgdata" && docker run -d --name titan-drill-postgres --network none -e POSTGRES_USER="$PG_USER" -e POSTGRES_DB=postgres -e POSTGRES_HOST_AUTH_METHOD=trust -v "$1/pgdata:/var/lib/postgresql/data" "$(image_of ${postgres})" >/dev/null; }`,
    // TCP on the container's loopback: the entrypoint's temporary init server listens on none.
    `scratch_pg_exec() { docker exec -i -e PGHOST=127.0.0.1 titan-drill-postgres "$@"; }`,
    `scratch_pg_stop() { docker rm -f titan-drill-postgres >/dev/null 2>&1; }`,
    `scratch_nats_start() { docker run -d --name titan-drill-nats --network none -v "$1/nats:/data" "$(image_of ${nats})" -js -sd /data -m ${PORTS.natsMonitor} >/dev/null; }`,
    `scratch_nats_get() { docker exec titan-drill-nats wget -qO- "http://127.0.0.1:${PORTS.natsMonitor}$2"; }`,
    `scratch_nats_stop() { docker rm -f titan-drill-nats >/dev/null 2>&1; }`,
    `scratch_redis_start() { docker run -d --name titan-drill-redis --network none -v "$1/redis:/data" "$(image_of ${redis})" redis-server --appendonly no --save '' --dir /data >/dev/null; }`,
    `scratch_redis_cli() { shift; docker exec titan-drill-redis redis-cli "$@"; }`,
    `scratch_redis_stop() { docker rm -f titan-drill-redis >/dev/null 2>&1; }`,
  ];
}

function localHooks(rt: LocalRuntime): string[] {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(rt.runAs)) throw new Error(`runAs: '${rt.runAs}' is not a user name`);
  const sp = rt.scratchPorts;
  const pgPort = port("scratchPorts.pg", sp.pg);
  const natsPort = port("scratchPorts.nats", sp.nats);
  const mon = port("scratchPorts.natsMonitor", sp.natsMonitor);
  const redisPort = port("scratchPorts.redis", sp.redis);
  const pid = shellQuote(path("natsPidFile", rt.natsPidFile));
  const pidFile = (d: LocalStateDir) =>
    d.stopPidFile === undefined
      ? undefined
      : shellQuote(path(`stateDirs.${d.name}.stopPidFile`, d.stopPidFile));
  // The writer leads its own process group: SIGSTOP to the group freezes every process of it, as
  // `docker pause` freezes every process of a container.
  const signal = (sig: string) => (d: LocalStateDir) =>
    pidFile(d) ? `kill -${sig} -- "-$(cat ${pidFile(d)})"` : undefined;
  return [
    `PATH=${shellQuote(path("pgBinDir", rt.pgBinDir))}:$PATH`,
    `JETSTREAM_DIR=${shellQuote(path("jetstreamDir", rt.jetstreamDir))}`,
    `REDIS_RDB=${shellQuote(path("redisRdb", rt.redisRdb))}`,
    `pg_exec() { PGHOST=${shellQuote(path("pgSocketDir", rt.pgSocketDir))} PGPORT=${port("pgPort", rt.pgPort)} "$@"; }`,
    `redis_cli() { redis-cli -h 127.0.0.1 -p ${port("redisPort", rt.redisPort)} "$@"; }`,
    `nats_freeze() { kill -STOP "$(cat ${pid})"; }`,
    `nats_thaw() { kill -CONT "$(cat ${pid})"; }`,
    ...stateDirLines(rt.stateDirs, (d) => pidFile(d) !== undefined),
    `state_writer() { ${caseOf(rt.stateDirs, (d) => (pidFile(d) ? `{ kill -0 "$(cat ${pidFile(d)} 2>/dev/null)" 2>/dev/null && echo running; } || echo absent` : undefined), "echo none")}; }`,
    `state_freeze() { ${caseOf(rt.stateDirs, signal("STOP"), "return 1")}; }`,
    `state_thaw() { ${caseOf(rt.stateDirs, signal("CONT"), "return 1")}; }`,
    `scratch_pg_start() { chmod o+x "$DRILL_DIR" && mkdir -p "$1/pg" && chown ${rt.runAs} "$1" "$1/pg" && runuser -u ${rt.runAs} -- initdb -D "$1/pg/data" -U "$PG_USER" --auth=trust >/dev/null && runuser -u ${rt.runAs} -- pg_ctl -D "$1/pg/data" -l "$1/pg/log" -o "-k $1/pg -p ${pgPort} -c listen_addresses=" start >/dev/null; }`,
    `scratch_pg_exec() { PGHOST="$SCRATCH/pg" PGPORT=${pgPort} "$@"; }`,
    `scratch_pg_stop() { [ -f "$1/pg/data/postmaster.pid" ] && runuser -u ${rt.runAs} -- pg_ctl -D "$1/pg/data" -m immediate -w stop >/dev/null; }`,
    `scratch_nats_start() { nats-server -js -sd "$1/nats" -a 127.0.0.1 -p ${natsPort} -m ${mon} -P "$1/nats.pid" >"$1/nats.log" 2>&1 & }`,
    `scratch_nats_get() { curl -fsS "http://127.0.0.1:${mon}$2"; }`,
    `scratch_nats_stop() { local p; p="$(cat "$1/nats.pid" 2>/dev/null)" || return 0; kill "$p" && wait "$p" 2>/dev/null; }`,
    `scratch_redis_start() { redis-server --port ${redisPort} --bind 127.0.0.1 --dir "$1/redis" --dbfilename dump.rdb --appendonly no --save '' --daemonize yes --pidfile "$1/redis.pid" --logfile "$1/redis.log"; }`,
    `scratch_redis_cli() { shift; redis-cli -h 127.0.0.1 -p ${redisPort} "$@"; }`,
    `scratch_redis_stop() { [ -f "$1/redis.pid" ] && redis-cli -h 127.0.0.1 -p ${redisPort} shutdown nosave >/dev/null; }`,
  ];
}

/** PRUNE_DIR (empty: no pruning), PRUNE_KEEP_DAYS, PRUNE_KEEP_NEWEST. */
function pruningLines(p: SnapshotPruning | undefined): string[] {
  if (p === undefined) return ["PRUNE_DIR=''", "PRUNE_KEEP_DAYS=7", "PRUNE_KEEP_NEWEST=1"];
  if (!Number.isInteger(p.keepDays) || p.keepDays < 1)
    throw new Error(`pruning.keepDays: ${p.keepDays} is not a positive whole number of days`);
  if (!Number.isInteger(p.keepNewest) || p.keepNewest < 1)
    throw new Error(`pruning.keepNewest: ${p.keepNewest} is not a positive whole number`);
  return [
    `PRUNE_DIR=${shellQuote(path("pruning.dir", p.dir))}`,
    `PRUNE_KEEP_DAYS=${p.keepDays}`,
    `PRUNE_KEEP_NEWEST=${p.keepNewest}`,
  ];
}

/** The text of backup.env: sourced by bash, so it may define the store hooks as functions. */
export function buildBackupEnv(input: BackupEnvInput): string {
  const [, daily, , weekly, , monthly] = forgetPolicyArgs(input.retention);
  if (!/^[a-z0-9][a-z0-9.-]{0,62}$/.test(input.backupHost)) {
    throw new Error(`backupHost: '${input.backupHost}' is not a host name`);
  }
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(input.pgUser))
    throw new Error(`pgUser: '${input.pgUser}' is not a role name`);
  const subset = input.checkReadSubset ?? "10%";
  if (!/^(\d{1,2}(\.\d+)?%|\d+\/\d+)$/.test(subset))
    throw new Error(`checkReadSubset: '${subset}' is not n% or n/t`);
  const lines = [
    "# Managed by the Titan Pulumi program (infra/builders/backup/backup-env.ts). No secret here:",
    "# the repository key and the Spaces key are in CREDENTIALS_FILE (root, 0600).",
    `CREDENTIALS_FILE=${shellQuote(path("credentialsFile", input.credentialsFile))}`,
    `RESTIC_REPOSITORY=${shellQuote(input.repository)}`,
    `RESTIC_CACHE_DIR=${shellQuote(path("cacheDir", input.cacheDir))}`,
    `SPOOL_DIR=${shellQuote(path("spoolDir", input.spoolDir))}`,
    `DRILL_DIR=${shellQuote(path("drillDir", input.drillDir))}`,
    `STATUS_DIR=${shellQuote(path("statusDir", input.statusDir))}`,
    `BACKUP_HOST=${input.backupHost}`,
    `KEEP_DAILY=${daily}`,
    `KEEP_WEEKLY=${weekly}`,
    `KEEP_MONTHLY=${monthly}`,
    `CHECK_READ_SUBSET=${shellQuote(subset)}`,
    `PG_USER=${input.pgUser}`,
    ...pruningLines(input.pruning),
    "REDIS_SAVE_TIMEOUT=300",
    "DRILL_START_TIMEOUT=120",
    ...(input.runtime.kind === "docker" ? dockerHooks(input.runtime) : localHooks(input.runtime)),
  ];
  if (input.spoolDir === input.drillDir) throw new Error("spoolDir and drillDir must differ");
  const prune = input.pruning?.dir;
  if (prune !== undefined && !input.runtime.stateDirs.some((d) => prune.startsWith(`${d.path}/`)))
    throw new Error(
      `pruning.dir: '${prune}' is not inside one of the state directories; nothing else is pruned`,
    );
  return `${lines.join("\n")}\n`;
}
