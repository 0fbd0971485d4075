// The rehearsal's result tables: one row per container, in creation order; then one per step of
// the backup rehearsal.
import type { BackupStep } from "./backup";

export type Step = "ok" | "failed" | "skipped" | "not started (start: false)" | "no healthcheck";

export interface ContainerResult {
  container: string;
  created: Step;
  started: Step;
  healthy: Step;
  /** The first error, one line; empty when every step passed. */
  firstError: string;
}

export const failed = (r: ContainerResult) =>
  r.created === "failed" || r.started === "failed" || r.healthy === "failed";

const oneLine = (text: string, max = 160) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

function columns(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

export function renderTable(results: readonly ContainerResult[]): string {
  const header = ["container", "created", "started", "healthy", "first error"];
  const rows = results.map((r) => [r.container, r.created, r.started, r.healthy, oneLine(r.firstError)]);
  const bad = results.filter(failed).length;
  return [
    ...columns(header, rows),
    "",
    bad === 0
      ? `${results.length} container(s): all created, started and healthy as planned.`
      : `${bad} of ${results.length} container(s) failed.`,
  ].join("\n");
}

/** The backup rehearsal: step / result / detail, and a verdict line. */
export function renderBackupTable(steps: readonly BackupStep[]): string {
  const rows = steps.map((s) => [s.step, s.result, oneLine(s.detail, 200)]);
  const bad = steps.filter((s) => s.result === "failed").length;
  return [
    ...columns(["backup step", "result", "detail"], rows),
    "",
    bad === 0 && steps.every((s) => s.result === "ok")
      ? `backup: ${steps.length} step(s) ok: the docker runtime backed up and restored what was seeded.`
      : `backup: ${bad} of ${steps.length} step(s) failed.`,
  ].join("\n");
}
