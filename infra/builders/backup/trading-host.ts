// The backup settings of the trading host as the stack deploys them: the docker runtime (the
// stack's postgres, redis and nats containers, their data directories on the host's data volume,
// redis.conf inside the redis container) and the backup's own paths. The component
// (infra/components/backup.ts) and the deploy rehearsal both build backup.env from this, so the
// rehearsal runs the hooks production installs, with only the host paths re-rooted.
// Titan's state directories (data/titan-runtime-writes.json): execution's redb, ai-quant's SQLite
// and powerlaw-lab's state file are written while their containers run, so each is copied with its
// container paused; brain's snapshots and dead letters are files written once and never rewritten,
// copied without pausing brain (the orchestrator).
import { HOST_DATA, REDIS_CONF_PATH } from "../../model/paths";
import { POSTGRES_USER } from "../plain-env";
import type { BackupEnvInput, DockerRuntime, SnapshotPruning } from "./backup-env";
import { BACKUP_PATHS } from "./paths";
import type { BackupRetention } from "./retention";

/** The stores on the trading host: containers named after their service, data bind-mounted. */
export function tradingDockerRuntime(): DockerRuntime {
  return {
    kind: "docker",
    containers: { postgres: "postgres", redis: "redis", nats: "nats" },
    jetstreamDir: HOST_DATA.jetstream,
    redisRdb: `${HOST_DATA.redis}/dump.rdb`,
    redisConfPath: REDIS_CONF_PATH,
    stateDirs: [
      {
        name: "execution",
        path: HOST_DATA.execution,
        pauseContainer: "titan-execution",
        // HALT flag and ARMED interlock: their presence is the state (Titan src/circuit_breaker.rs:21,
        // src/armed_state.rs:29).
        flags: ["system.halt", "execution.armed"],
      },
      { name: "ai-quant", path: HOST_DATA.aiQuant, pauseContainer: "titan-ai-quant" },
      { name: "powerlaw-lab", path: HOST_DATA.powerlaw, pauseContainer: "titan-powerlaw-lab" },
      { name: "brain", path: HOST_DATA.brain },
    ],
  };
}

/**
 * brain's state snapshots (`data/backups/backup_<ms>.json`, one a minute, never deleted by Titan):
 * a week of them, and never fewer than the newest hour's worth, whatever their age.
 */
export const BRAIN_SNAPSHOT_PRUNING: SnapshotPruning = {
  dir: `${HOST_DATA.brain}/backups`,
  keepDays: 7,
  keepNewest: 60,
};

/** backup.env's input for one stack's trading host. */
export function tradingBackupEnvInput(args: {
  repository: string;
  label: string;
  retention: BackupRetention;
}): BackupEnvInput {
  return {
    repository: args.repository,
    credentialsFile: BACKUP_PATHS.credentials,
    cacheDir: BACKUP_PATHS.cacheDir,
    spoolDir: BACKUP_PATHS.spoolDir,
    drillDir: BACKUP_PATHS.drillDir,
    statusDir: BACKUP_PATHS.statusDir,
    backupHost: `titan-${args.label}-trading`,
    retention: args.retention,
    pgUser: POSTGRES_USER,
    runtime: tradingDockerRuntime(),
    pruning: BRAIN_SNAPSHOT_PRUNING,
  };
}
