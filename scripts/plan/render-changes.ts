import type { ChangeOp, PlanDiff, ResourceChange } from "./diff-plans";
import { containerDowntime, type Downtime, type ReplacementLatencies } from "./downtime";
import type { PlannedResource } from "./plan-document";

const CONTAINER = "docker:index/container:Container";
const SYMBOL: Record<ChangeOp, string> = { create: "+ ", update: "~ ", replace: "+-", delete: "- " };
const ORDER: ChangeOp[] = ["create", "update", "replace", "delete"];
const MAX_DIFF_LINES = 8;

/**
 * A value as `pulumi preview --diff` shows it; secrets are already `[secret]`. Long values keep
 * both ends (an image reference differs in its digest, at the end).
 */
function show(value: unknown): string {
  if (value === undefined) return "(none)";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 30)}...${text.slice(-45)}` : text;
}

export interface ChangeReport {
  against: string;
  diff: PlanDiff;
  /** Downtime of each replaced container, by URN, in replacement order. */
  downtime: { urn: string; name: string; wave: number; downtime: Downtime }[];
}

/** Joins the diff with each replaced container's expected downtime. */
export function changeReport(
  against: string,
  diff: PlanDiff,
  next: PlannedResource[],
  latencies: ReplacementLatencies,
): ChangeReport {
  const byUrn = new Map(next.map((r) => [r.urn, r]));
  const downtime: ChangeReport["downtime"] = [];
  diff.replaceWaves.forEach((wave, i) => {
    for (const urn of wave) {
      const r = byUrn.get(urn);
      if (r?.type === CONTAINER)
        downtime.push({ urn, name: r.name, wave: i + 1, downtime: containerDowntime(r.inputs, latencies) });
    }
  });
  return { against, diff, downtime };
}

function changeLine(c: ResourceChange): string[] {
  const tags = [
    c.changedKeys.length ? `[diff: ~${c.changedKeys.join(",")}]` : "",
    c.op === "replace" && c.deleteBeforeReplace ? "[delete-before-replace]" : "",
  ].filter(Boolean);
  const lines = [
    `  ${SYMBOL[c.op]} ${c.type}  ${c.name}  ${c.op}${tags.length ? `  ${tags.join(" ")}` : ""}`,
  ];
  if (c.op === "replace") lines.push(`        replaced by: ${c.replaceReasons.join(", ")}`);
  for (const d of c.diffs.slice(0, MAX_DIFF_LINES))
    lines.push(`        ~ ${d.path}: ${show(d.old)} => ${show(d.new)}`);
  if (c.diffs.length > MAX_DIFF_LINES) lines.push(`        ... ${c.diffs.length - MAX_DIFF_LINES} more`);
  for (const u of c.ruleUnknown) lines.push(`        ! replacement rule unknown: ${u}`);
  return lines;
}

function downtimeLine(name: string, d: Downtime): string {
  if (d.kind === "never-started") return `  ${name}: none (never started: a config carrier)`;
  const p = d.parts;
  const expected = `~${d.expectedSeconds} s expected (stop ${p.stop} + remove ${p.remove} + healthy ${p.healthy})`;
  const bound =
    d.boundSeconds === undefined
      ? "no bound: the container does not wait for health"
      : `at most ${d.boundSeconds} s (stopTimeout ${p.stopTimeout} + waitTimeout ${p.waitTimeout}) before pulumi up fails`;
  return `  ${name}: ${expected}, ${bound}`;
}

export function renderChanges(report: ChangeReport, names: Map<string, string>): string {
  const { diff } = report;
  const out = [`Changes against ${report.against} (as pulumi preview would show them):`];
  const sorted = [...diff.changes].sort(
    (a, b) => ORDER.indexOf(a.op) - ORDER.indexOf(b.op) || a.name.localeCompare(b.name),
  );
  if (sorted.length === 0) out.push("  no changes: every resource is unchanged");
  for (const c of sorted) out.push(...changeLine(c));
  out.push("");
  out.push("Resources:");
  const count = (op: ChangeOp) => diff.changes.filter((c) => c.op === op).length;
  out.push(`  + ${count("create")} to create`);
  out.push(`  ~ ${count("update")} to update`);
  out.push(`  +-${count("replace")} to replace`);
  out.push(`  - ${count("delete")} to delete`);
  out.push(`    ${diff.unchanged} unchanged`);
  if (diff.replaceWaves.length) {
    out.push("");
    out.push(
      "Replacement order (from the dependency graph; a wave waits for the one before, inside a wave in parallel):",
    );
    diff.replaceWaves.forEach((wave, i) => {
      out.push(`  ${i + 1}. ${wave.map((urn) => names.get(urn) ?? urn).join(", ")}`);
    });
  }
  if (report.downtime.length) {
    out.push("");
    out.push(
      "Expected downtime of each replaced container (data/deploy-latencies.json), in replacement order:",
    );
    for (const d of report.downtime) out.push(downtimeLine(d.name, d.downtime));
  }
  return out.join("\n");
}
