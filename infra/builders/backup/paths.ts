// Where the backup lives on the trading host. Spool and drill scratch sit on the data volume (room
// for a copy of the stores), never inside a live store's directory.
import { DEFAULT_DATA_MOUNT_POINT } from "../cloud-init";

export const BACKUP_PATHS = {
  script: "/usr/local/sbin/titan-backup",
  envFile: "/etc/titan-backup/backup.env",
  credentials: "/etc/titan-backup/credentials",
  cacheDir: "/var/cache/titan-backup",
  statusDir: "/var/lib/titan-backup",
  spoolDir: `${DEFAULT_DATA_MOUNT_POINT}/backup-spool`,
  drillDir: `${DEFAULT_DATA_MOUNT_POINT}/restore-drill`,
  unitDir: "/etc/systemd/system",
} as const;

/** systemd unit names. */
export const BACKUP_UNITS = {
  run: "titan-backup.service",
  runTimer: "titan-backup.timer",
  check: "titan-backup-check.service",
  checkTimer: "titan-backup-check.timer",
  failed: "titan-backup-failed@.service",
} as const;

/** The restic repository in a Spaces bucket (S3 API at the region's endpoint). */
export function spacesRepository(region: string, bucket: string): string {
  if (!/^[a-z]{3}\d$/.test(region))
    throw new Error(`spaces region '${region}' is not a region slug such as fra1`);
  if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket))
    throw new Error(`bucket '${bucket}' is not a Spaces bucket name`);
  return `s3:https://${region}.digitaloceanspaces.com/${bucket}/restic`;
}
