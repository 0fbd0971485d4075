// Pieces of the generated backup script run by real bash on their own (the whole script runs in
// round-trip.test.ts and the deploy rehearsal).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildBackupScript } from "../../../infra/builders/backup/backup-script";

const script = buildBackupScript();
/** One shell function of the script, by name, as its text. */
function fn(name: string): string {
  const m =
    new RegExp(`^${name}\\(\\) \\{ .* \\}$`, "m").exec(script) ??
    new RegExp(`^${name}\\(\\) \\{\\n[\\s\\S]*?\\n\\}\\n`, "m").exec(script);
  if (!m) throw new Error(`no function ${name} in the script`);
  return m[0];
}

describe("thaw: a frozen writer is resumed even when one unpause fails", () => {
  const tmp = mkdtempSync(join(tmpdir(), "titan-thaw-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const calls = join(tmp, "calls");
  /** A resume hook that fails `failures` times, then succeeds; each call appends its argv. */
  const run = (failures: number, tries: number) =>
    spawnSync(
      "bash",
      [
        "-c",
        `set -euo pipefail\n${fn("log")}\n${fn("thaw")}\nn=0\nstate_thaw() { echo "$*" >>'${calls}'; n=$((n + 1)); [ "$n" -gt ${failures} ]; }\nTHAW_TRIES=${tries}\nthaw state_thaw titan-execution`,
      ],
      { encoding: "utf8" },
    );

  it("tries again until the hook succeeds", () => {
    rmSync(calls, { force: true });
    const r = run(2, 5);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(calls, "utf8")).toBe("titan-execution\n".repeat(3));
    expect(r.stderr).toContain("titan-backup: resuming (state_thaw titan-execution) failed, try 2");
  });

  it("gives up after THAW_TRIES and says so, so the caller can raise the alarm", () => {
    rmSync(calls, { force: true });
    const r = run(99, 2);
    expect(r.status).toBe(1);
    expect(readFileSync(calls, "utf8")).toBe("titan-execution\n".repeat(2));
  });

  it("is how every resume in the script happens", () => {
    const resumes = script.split("\n").filter((l) => /\b(nats|state)_thaw\b/.test(l));
    expect(resumes.length).toBe(4);
    for (const line of resumes) expect(line, line).toMatch(/\bthaw (nats_thaw|state_thaw)\b/);
  });
});
