// The one backup program on the trading host, as file text. Every subcommand goes through the
// same functions whatever the runtime (backup-env.ts supplies the store hooks), so the real-program
// tests run exactly this text. Postgres: one pg_dump -Fc per database, spooled and read back with
// pg_restore --list before restic sees it, so a failed or truncated dump never becomes a snapshot.
// Redis: BGSAVE, then its RDB. JetStream: a copy of the store taken while the server is frozen.
// Titan's state directories on the data volume: each copied as files, a live database's with its
// writer frozen (copy_state). After a successful snapshot, brain's old state snapshots are pruned.

/** Text of /usr/local/sbin/titan-backup (bash). */
export function buildBackupScript(): string {
  return BACKUP_SCRIPT;
}

const BACKUP_SCRIPT = `#!/bin/bash
# Managed by the Titan Pulumi program (infra/builders/backup/backup-script.ts): do not edit on the host.
# titan-backup init | run | check | snapshots | drill SNAPSHOT | notify-failure UNIT
# Reads the non-secret settings and the store hooks from $TITAN_BACKUP_ENV, the repository key and
# the Spaces key from the root-only credentials file that names. Nothing here deletes live data:
# the only deletions are the spool, the drill's scratch, \`restic forget\` of expired snapshots and,
# after a snapshot that holds them was saved, brain's own old state snapshots (prune_snapshots:
# regular files directly in PRUNE_DIR only).
set -euo pipefail
umask 077

ENV_FILE="\${TITAN_BACKUP_ENV:-/etc/titan-backup/backup.env}"
# shellcheck source=/dev/null
. "$ENV_FILE"
set -a
# shellcheck source=/dev/null
. "$CREDENTIALS_FILE"
set +a
export RESTIC_REPOSITORY RESTIC_CACHE_DIR
TAG=titan-backup

log() { printf 'titan-backup: %s\\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# Opens the repository or says why not. Never initialises: a wrong key or a missing repository
# must not turn into a fresh, empty repository.
repo_state() {
  local err
  if err="$(restic cat config 2>&1 >/dev/null)"; then
    echo ready
  elif [[ "$err" == *"wrong password"* ]]; then
    echo wrong-key
  elif [[ "$err" == *"Is there a repository"* || "$err" == *"does not exist"* || "$err" == *"NoSuchBucket"* ]]; then
    echo missing
  else
    log "cannot open $RESTIC_REPOSITORY: $err"
    echo error
  fi
}

require_repo() {
  case "$(repo_state)" in
    ready) ;;
    wrong-key) die "the repository key in $CREDENTIALS_FILE does not open $RESTIC_REPOSITORY (wrong password); nothing was changed" ;;
    missing) die "no restic repository at $RESTIC_REPOSITORY; run 'titan-backup init' once; nothing was changed" ;;
    *) die "cannot open $RESTIC_REPOSITORY; nothing was changed" ;;
  esac
}

cmd_init() {
  case "$(repo_state)" in
    ready) log "repository $RESTIC_REPOSITORY already exists" ;;
    missing) restic init >/dev/null && log "initialised $RESTIC_REPOSITORY" ;;
    wrong-key) die "a repository exists at $RESTIC_REPOSITORY but the key in $CREDENTIALS_FILE does not open it; not initialising over it" ;;
    *) die "cannot open $RESTIC_REPOSITORY; not initialising" ;;
  esac
}

# Resumes a frozen writer, trying again for up to THAW_TRIES seconds: one failed unpause (a busy
# daemon) must not leave nats or execution frozen, which stops trading until someone wakes up.
thaw() {
  local i
  for ((i = 1; i <= \${THAW_TRIES:-10}; i++)); do
    "$@" && return 0
    log "resuming ($*) failed, try $i"
    sleep 1
  done
  return 1
}

FROZEN=0
FROZEN_STATE=""
cleanup_run() {
  if [ "$FROZEN" = 1 ]; then thaw nats_thaw || log "could not resume NATS: resume it by hand"; fi
  if [ -n "$FROZEN_STATE" ]; then
    thaw state_thaw "$FROZEN_STATE" || log "could not resume the writer of $FROZEN_STATE: resume it by hand"
  fi
  rm -rf "$SPOOL_DIR"
}

now_ms() { date +%s%3N; }

dump_postgres() {
  local dbs db
  mkdir -p "$SPOOL_DIR/postgres"
  dbs="$(pg_exec psql -U "$PG_USER" -d postgres -At -v ON_ERROR_STOP=1 \\
    -c "select datname from pg_database where datallowconn and not datistemplate and datname <> 'postgres' order by 1")" ||
    die "cannot list the Postgres databases; no snapshot was made"
  [ -n "$dbs" ] || die "Postgres lists no database; no snapshot was made"
  for db in $dbs; do
    [[ "$db" =~ ^[A-Za-z0-9_]+$ ]] || die "database name '$db' is not [A-Za-z0-9_]+; no snapshot was made"
    pg_exec pg_dump -U "$PG_USER" -Fc -d "$db" >"$SPOOL_DIR/postgres/$db.dump" ||
      die "pg_dump of database $db failed; no snapshot was made"
    pg_exec pg_restore --list <"$SPOOL_DIR/postgres/$db.dump" >/dev/null ||
      die "the dump of database $db does not read back; no snapshot was made"
  done
  pg_exec pg_dumpall -U "$PG_USER" --globals-only >"$SPOOL_DIR/postgres/globals.sql" ||
    die "pg_dumpall --globals-only failed; no snapshot was made"
}

redis_info() { redis_cli INFO persistence | tr -d '\\r' | sed -n "s/^$1://p"; }

dump_redis() {
  local before i=0
  mkdir -p "$SPOOL_DIR/redis"
  before="$(redis_info rdb_saves)"
  [ -n "$before" ] || die "Redis does not answer INFO persistence; no snapshot was made"
  redis_cli BGSAVE >/dev/null || die "Redis refused BGSAVE; no snapshot was made"
  until [ "$(redis_info rdb_saves)" -gt "$before" ] && [ "$(redis_info rdb_bgsave_in_progress)" = 0 ]; do
    i=$((i + 1))
    [ "$i" -le "$((REDIS_SAVE_TIMEOUT * 10))" ] || die "Redis BGSAVE did not finish in \${REDIS_SAVE_TIMEOUT}s; no snapshot was made"
    sleep 0.1
  done
  [ "$(redis_info rdb_last_bgsave_status)" = ok ] || die "Redis BGSAVE failed; no snapshot was made"
  cp "$REDIS_RDB" "$SPOOL_DIR/redis/dump.rdb"
}

# A crash-consistent copy of the JetStream store: the server is frozen (no write in flight) for
# the length of a local copy, then resumed; the upload happens after.
copy_jetstream() {
  local start
  start="$(date +%s)"
  nats_freeze || die "could not pause NATS; no snapshot was made"
  FROZEN=1
  cp -a "$JETSTREAM_DIR" "$SPOOL_DIR/jetstream" || die "copying $JETSTREAM_DIR failed; no snapshot was made"
  thaw nats_thaw || die "could not resume NATS after the copy: resume it by hand"
  FROZEN=0
  log "JetStream paused for $(($(date +%s) - start))s while its store was copied"
}

# Titan's state directories, each into $SPOOL_DIR/state/NAME, owners and times kept (cp -a).
# 'pause': the writer holds a live database (execution's redb, ai-quant's SQLite with its -wal and
# -shm, powerlaw-lab's state file), so it is frozen for the length of a local copy of its one
# directory, then resumed; one writer at a time, the upload happens after. A frozen process
# (docker pause: the cgroup freezer; local: SIGSTOP) is stopped between system calls, so the copy,
# read from the page cache, is the directory exactly as a power cut at that instant would leave it
# if every write had reached the disk: crash-consistent. redb and SQLite recover such a copy on open
# (redb falls back to its last committed transaction; SQLite replays the WAL or rolls back a hot
# journal, both copied in the same directory); a transaction in flight at the pause is missing.
# powerlaw-lab rewrites its JSON whole every 60 s: a pause between its truncate and its write would
# keep an empty file (a window of microseconds; the previous day's snapshot is the fallback).
# The pause is logged in milliseconds; it lasts as long as the copy (a redb of some MiB: well under
# a second). 'live': files written once and never rewritten (brain's snapshots, dead letters):
# copied while brain runs, never paused (it is the orchestrator); the one being written at that
# instant may be partial, every earlier one is whole.
# A directory that does not exist is logged and left out, not fatal: a host or topology without
# that service must not lose its Postgres, JetStream and Redis backup; the drill lists the absent.
copy_state() {
  local entry name dir mode writer start
  mkdir -p "$SPOOL_DIR/state"
  for entry in $STATE_DIRS; do
    IFS=: read -r name dir mode <<<"$entry"
    if [ ! -d "$dir" ]; then
      log "state directory $name ($dir) does not exist on this host: not in this snapshot"
      continue
    fi
    if [ "$mode" != pause ]; then
      cp -a "$dir" "$SPOOL_DIR/state/$name" || die "copying $dir failed; no snapshot was made"
      log "$name copied without pausing its writer"
      continue
    fi
    writer="$(state_writer "$name")"
    if [ "$writer" != running ]; then
      # Nothing of it runs (exited, absent) or someone else paused it: no write in flight.
      cp -a "$dir" "$SPOOL_DIR/state/$name" || die "copying $dir failed; no snapshot was made"
      log "$name copied without a pause: its writer is $writer"
      continue
    fi
    start="$(now_ms)"
    state_freeze "$name" || die "could not pause the writer of $name; no snapshot was made"
    FROZEN_STATE="$name"
    cp -a "$dir" "$SPOOL_DIR/state/$name" || die "copying $dir failed; no snapshot was made"
    thaw state_thaw "$name" || die "could not resume the writer of $name after the copy: resume it by hand"
    FROZEN_STATE=""
    log "$name paused for $(($(now_ms) - start)) ms while $dir was copied"
  done
}

# brain's state snapshots: Titan writes one a minute and deletes none. Deleted here: regular files
# directly in PRUNE_DIR (no subdirectory, no symlink, nothing elsewhere) older than PRUNE_KEEP_DAYS
# days, except the newest PRUNE_KEEP_NEWEST files whatever their age, so a brain stopped for weeks
# keeps its last snapshots. Runs only after restic saved a snapshot holding them.
prune_snapshots() {
  local cutoff n=0 kept=0 mtime file
  [ -n "$PRUNE_DIR" ] || return 0
  if [ ! -d "$PRUNE_DIR" ]; then
    log "no $PRUNE_DIR: no brain snapshot to prune"
    return 0
  fi
  cutoff=$(($(date +%s) - PRUNE_KEEP_DAYS * 86400))
  while IFS=$'\\t' read -r -d '' mtime file; do
    kept=$((kept + 1))
    [ "$kept" -gt "$PRUNE_KEEP_NEWEST" ] || continue
    [ "\${mtime%.*}" -lt "$cutoff" ] || continue
    rm -f -- "$file" || return 1
    n=$((n + 1))
  done < <(find "$PRUNE_DIR" -mindepth 1 -maxdepth 1 -type f -printf '%T@\\t%p\\0' | sort -z -rn)
  log "pruned $n brain snapshots older than $PRUNE_KEEP_DAYS days from $PRUNE_DIR (the newest $PRUNE_KEEP_NEWEST always kept)"
}

cmd_run() {
  require_repo
  rm -rf "$SPOOL_DIR"
  mkdir -p "$SPOOL_DIR" "$STATUS_DIR"
  trap cleanup_run EXIT
  dump_postgres
  dump_redis
  copy_jetstream
  copy_state
  restic backup --quiet --host "$BACKUP_HOST" --tag "$TAG" "$SPOOL_DIR" || die "restic backup failed"
  prune_snapshots || die "pruning brain's snapshots in $PRUNE_DIR failed (the new snapshot was saved)"
  restic forget --quiet --host "$BACKUP_HOST" --tag "$TAG" --prune \\
    --keep-daily "$KEEP_DAILY" --keep-weekly "$KEEP_WEEKLY" --keep-monthly "$KEEP_MONTHLY" ||
    die "restic forget --prune failed (the new snapshot was saved)"
  date -u +%FT%TZ >"$STATUS_DIR/last-success"
  rm -f "$STATUS_DIR/failed"
  log "backup complete"
}

cmd_check() {
  require_repo
  restic check --read-data-subset "$CHECK_READ_SUBSET" || die "restic check found a problem in $RESTIC_REPOSITORY"
  log "repository check passed"
}

cmd_snapshots() {
  require_repo
  restic snapshots --json --host "$BACKUP_HOST" --tag "$TAG"
}

# Marks the failure where an operator and a probe can see it; Slack when a webhook is configured.
cmd_notify_failure() {
  local unit="\${1:-titan-backup}" message
  mkdir -p "$STATUS_DIR"
  message="$(date -u +%FT%TZ) $unit failed on $BACKUP_HOST: journalctl -u $unit"
  printf '%s\\n' "$message" >"$STATUS_DIR/failed"
  logger -p user.err -t titan-backup "TITAN_BACKUP_FAILED $message" || true
  if [ -n "\${SLACK_WEBHOOK_URL:-}" ]; then
    # The URL is a secret: curl reads it from its config on stdin, never from argv.
    printf 'url = "%s"\\n' "$SLACK_WEBHOOK_URL" |
      curl -fsS --max-time 20 -K - -H 'Content-Type: application/json' \\
        --data "{\\"channel\\":\\"$SLACK_CHANNEL\\",\\"text\\":\\"$message\\"}" >/dev/null ||
      log "could not post the failure to Slack"
  fi
}

SCRATCH=""
cleanup_drill() {
  scratch_pg_stop "$SCRATCH" || true
  scratch_nats_stop "$SCRATCH" || true
  scratch_redis_stop "$SCRATCH" || true
  if [ -n "$SCRATCH" ]; then rm -rf "$SCRATCH"; fi
}

wait_for() {
  local what="$1" i=0
  shift
  until "$@" >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -le "$((DRILL_START_TIMEOUT * 10))" ] || die "the scratch $what did not start in \${DRILL_START_TIMEOUT}s"
    sleep 0.1
  done
}

# Restores one snapshot into scratch servers (never the live ones), prints what it holds as
# tab-separated lines (store, item, count), and removes the scratch.
cmd_drill() {
  local snap="\${1:-}" files dump db t count
  [[ "$snap" =~ ^[0-9a-f]{8,64}$ || "$snap" == latest ]] || die "drill needs a snapshot id or 'latest', got '$snap'"
  require_repo
  mkdir -p "$DRILL_DIR"
  SCRATCH="$(mktemp -d "$DRILL_DIR/drill.XXXXXX")"
  trap cleanup_drill EXIT
  restic restore --quiet "$snap" --host "$BACKUP_HOST" --tag "$TAG" --target "$SCRATCH/files" ||
    die "restic could not restore snapshot $snap"
  files="$SCRATCH/files$SPOOL_DIR"
  for need in postgres redis/dump.rdb jetstream; do
    [ -e "$files/$need" ] || die "snapshot $snap has no $need: not a titan-backup snapshot"
  done
  printf 'snapshot\\t%s\\t%s\\n' "$snap" "$(restic snapshots --json "$snap" | tr -d '\\n' | sed -n 's/.*"time":"\\([^"]*\\)".*/\\1/p')"

  scratch_pg_start "$SCRATCH"
  wait_for postgres scratch_pg_exec psql -U "$PG_USER" -d postgres -c 'select 1'
  if [ -f "$files/postgres/globals.sql" ]; then
    scratch_pg_exec psql -q -U "$PG_USER" -d postgres -f - <"$files/postgres/globals.sql" >/dev/null 2>&1 || true
  fi
  for dump in "$files"/postgres/*.dump; do
    db="$(basename "$dump" .dump)"
    scratch_pg_exec pg_restore -U "$PG_USER" --create --exit-on-error -d postgres <"$dump" ||
      die "pg_restore of $db.dump from snapshot $snap failed: the dump is damaged or truncated"
    for t in $(scratch_pg_exec psql -U "$PG_USER" -d "$db" -At -c \\
      "select format('%I.%I', schemaname, tablename) from pg_tables where schemaname not in ('pg_catalog','information_schema') order by 1"); do
      count="$(scratch_pg_exec psql -U "$PG_USER" -d "$db" -At -c "select count(*) from $t")"
      printf 'postgres\\t%s.%s\\t%s\\n' "$db" "$t" "$count"
    done
  done

  mkdir -p "$SCRATCH/nats"
  cp -a "$files/jetstream/." "$SCRATCH/nats/"
  scratch_nats_start "$SCRATCH"
  # /healthz answers only once JetStream has recovered every stream.
  wait_for nats-server scratch_nats_get "$SCRATCH" /healthz
  printf 'jetstream\\tjsz\\t%s\\n' "$(scratch_nats_get "$SCRATCH" '/jsz?streams=true' | tr -d '\\n')"

  mkdir -p "$SCRATCH/redis"
  cp "$files/redis/dump.rdb" "$SCRATCH/redis/dump.rdb"
  scratch_redis_start "$SCRATCH"
  wait_for redis-server scratch_redis_cli "$SCRATCH" PING
  count="$(scratch_redis_cli "$SCRATCH" INFO keyspace | tr -d '\\r' | sed -n 's/^db[0-9]*:keys=\\([0-9]*\\),.*/\\1/p' | awk '{s += $1} END {print s + 0}')"
  printf 'redis\\tkeys\\t%s\\n' "$count"

  # Titan's state directories: files per directory, and whether each flag file came back.
  # Snapshots from before they were backed up, or of a host without one, say 'absent'.
  local entry name dir mode flag
  for entry in $STATE_DIRS; do
    IFS=: read -r name dir mode <<<"$entry"
    if [ -d "$files/state/$name" ]; then
      printf 'state\\t%s\\t%s\\n' "$name" "$(find "$files/state/$name" -type f | wc -l)"
    else
      printf 'state\\t%s\\tabsent\\n' "$name"
    fi
  done
  for flag in $STATE_FLAGS; do
    if [ -e "$files/state/$flag" ]; then
      printf 'flag\\t%s\\tpresent\\n' "$flag"
    else
      printf 'flag\\t%s\\tabsent\\n' "$flag"
    fi
  done
  printf 'drill\\tok\\t0\\n'
}

case "\${1:-}" in
  init) cmd_init ;;
  run) cmd_run ;;
  check) cmd_check ;;
  snapshots) cmd_snapshots ;;
  drill) cmd_drill "\${2:-}" ;;
  notify-failure) cmd_notify_failure "\${2:-}" ;;
  *) die "usage: titan-backup init|run|check|snapshots|drill SNAPSHOT|notify-failure UNIT" ;;
esac
`;
