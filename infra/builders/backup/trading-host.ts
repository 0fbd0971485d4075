// The backup settings of the trading host as the stack deploys them: the docker runtime (the
// stack's postgres, redis and nats containers, their data directories on the host's data volume,
// redis.conf inside the redis container) and the backup's own paths. The component
// (infra/components/backup.ts) and the deploy rehearsal both build backup.env from this, so the
// rehearsal runs the hooks production installs, with only the host paths re-rooted.
import { HOST_DATA, REDIS_CONF_PATH } from "../../model/paths";
import { POSTGRES_USER } from "../plain-env";
import type { BackupEnvInput, DockerRuntime } from "./backup-env";
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
  };
}

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
  };
}
