/** How many snapshots `restic forget` keeps: titan:backupRetention. */
export interface BackupRetention {
  daily: number;
  weekly: number;
  monthly: number;
}

export const DEFAULT_BACKUP_RETENTION: BackupRetention = { daily: 7, weekly: 4, monthly: 6 };

/** The `restic forget` policy flags for a retention. */
export function forgetPolicyArgs(r: BackupRetention): string[] {
  for (const [k, v] of Object.entries(r)) {
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`backupRetention.${k}: ${v} is not a positive whole number`);
  }
  return [
    "--keep-daily",
    String(r.daily),
    "--keep-weekly",
    String(r.weekly),
    "--keep-monthly",
    String(r.monthly),
  ];
}
