// systemd units for the backup: a daily oneshot on a timer, a weekly integrity check, and a
// failure hook every unit names in OnFailure= (journal line, status file, optional Slack post).
import { DEFAULT_DATA_MOUNT_POINT } from "../cloud-init";
import { BACKUP_PATHS, BACKUP_UNITS } from "./paths";
import { onCalendarProblem } from "./schedule";

/** Weekly, away from the default daily run: restic check takes an exclusive lock. */
export const DEFAULT_CHECK_SCHEDULE = "Sun *-*-* 12:00:00 UTC";

export interface BackupUnitsInput {
  schedule: string;
  checkSchedule?: string;
}

const hardening = [
  "PrivateTmp=yes",
  "NoNewPrivileges=yes",
  "ProtectHome=yes",
  "Nice=10",
  "IOSchedulingClass=idle",
];

function service(description: string, subcommand: string, timeout: string): string {
  return [
    "[Unit]",
    `Description=${description}`,
    "Wants=network-online.target",
    "After=network-online.target docker.service",
    `RequiresMountsFor=${DEFAULT_DATA_MOUNT_POINT}`,
    // %n is this unit's name: the hook records which one failed.
    "OnFailure=titan-backup-failed@%n.service",
    "",
    "[Service]",
    "Type=oneshot",
    `ExecStart=${BACKUP_PATHS.script} ${subcommand}`,
    `TimeoutStartSec=${timeout}`,
    ...hardening,
    "",
  ].join("\n");
}

function timer(description: string, unit: string, onCalendar: string): string {
  const problem = onCalendarProblem(onCalendar);
  if (problem) throw new Error(`backup schedule: ${problem}`);
  return [
    "[Unit]",
    `Description=${description}`,
    "",
    "[Timer]",
    `OnCalendar=${onCalendar}`,
    // A run missed while the droplet was off happens at the next boot.
    "Persistent=true",
    `Unit=${unit}`,
    "",
    "[Install]",
    "WantedBy=timers.target",
    "",
  ].join("\n");
}

/** Unit name → file text. */
export function buildBackupUnits(input: BackupUnitsInput): Record<string, string> {
  return {
    [BACKUP_UNITS.run]: service(
      "Titan encrypted off-host backup (Postgres, JetStream, Redis, state files)",
      "run",
      "4h",
    ),
    [BACKUP_UNITS.runTimer]: timer("Daily Titan backup", BACKUP_UNITS.run, input.schedule),
    [BACKUP_UNITS.check]: service("Titan backup repository integrity check", "check", "6h"),
    [BACKUP_UNITS.checkTimer]: timer(
      "Weekly Titan backup repository check",
      BACKUP_UNITS.check,
      input.checkSchedule ?? DEFAULT_CHECK_SCHEDULE,
    ),
    [BACKUP_UNITS.failed]: [
      "[Unit]",
      "Description=Record the failure of %i",
      "",
      "[Service]",
      "Type=oneshot",
      `ExecStart=${BACKUP_PATHS.script} notify-failure %i`,
      "",
    ].join("\n"),
  };
}
