// The generated units and script checked by the real tools that read them.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildBackupScript } from "../../../infra/builders/backup/backup-script";
import { DEFAULT_BACKUP_SCHEDULE, onCalendarProblem } from "../../../infra/builders/backup/schedule";
import { buildBackupUnits } from "../../../infra/builders/backup/units";
import { haveProgram, makeTempDir } from "../real-tool";

const ACCEPTED = [
  DEFAULT_BACKUP_SCHEDULE,
  "daily",
  "Mon..Fri *-*-* 02:00 UTC",
  "*-*-* 01,13:15:00 UTC",
  "Sun *-*-* 12:00:00 UTC",
];

describe("backup schedule", () => {
  it("refuses what is not an OnCalendar expression, naming the value", () => {
    expect(onCalendarProblem("every night")).toBe(
      "'every night' is not a systemd OnCalendar expression such as '*-*-* 03:30:00 UTC' or 'Mon..Fri *-*-* 02:00 UTC'",
    );
    expect(onCalendarProblem("*-*-* 24:00:00 UTC")).toBe(
      "'*-*-* 24:00:00 UTC' has 24 in a field whose largest value is 23",
    );
    for (const s of ACCEPTED) expect(onCalendarProblem(s)).toBeUndefined();
  });

  it.runIf(haveProgram("systemd-analyze", "systemd"))("every accepted form is one systemd accepts", () => {
    for (const s of ACCEPTED) {
      const r = spawnSync("systemd-analyze", ["calendar", s], { encoding: "utf8" });
      expect(r.status, `${s}: ${r.stderr}`).toBe(0);
    }
  });
});

describe("backup units and script", () => {
  it("passes bash -n", () => {
    const r = spawnSync("bash", ["-n"], { input: buildBackupScript(), encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it.runIf(haveProgram("systemd-analyze", "systemd"))("passes systemd-analyze verify", () => {
    const tmp = makeTempDir("units");
    try {
      const units = buildBackupUnits({ schedule: DEFAULT_BACKUP_SCHEDULE });
      for (const [name, text] of Object.entries(units)) writeFileSync(join(tmp.dir, name), text);
      const files = Object.keys(units)
        .filter((n) => !n.includes("@"))
        .map((n) => join(tmp.dir, n));
      const r = spawnSync("systemd-analyze", ["verify", "--man=no", ...files], {
        encoding: "utf8",
        env: { ...process.env, SYSTEMD_UNIT_PATH: `${tmp.dir}:` },
      });
      // The only complaint: the script is not installed on this machine.
      expect(r.stderr.trim().split("\n").sort()).toEqual([
        "titan-backup-check.service: Command /usr/local/sbin/titan-backup is not executable: No such file or directory",
        "titan-backup.service: Command /usr/local/sbin/titan-backup is not executable: No such file or directory",
      ]);
      expect(units["titan-backup.service"]).toContain("OnFailure=titan-backup-failed@%n.service");
      expect(units["titan-backup.timer"]).toContain(`OnCalendar=${DEFAULT_BACKUP_SCHEDULE}\nPersistent=true`);
    } finally {
      tmp.cleanup();
    }
  });

  it("refuses a bad schedule", () => {
    expect(() => buildBackupUnits({ schedule: "sometimes" })).toThrow(
      "backup schedule: 'sometimes' is not a systemd OnCalendar expression",
    );
  });
});
