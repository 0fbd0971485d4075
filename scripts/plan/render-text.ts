import { type PlanReport, reachabilityTable, secretScopeTable } from "./report";
import { renderResourceTree } from "./resource-tree";

function table(header: string[], body: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)];
}

export function renderText(report: PlanReport): string {
  const { policy, cost } = report;
  const out: string[] = [];
  out.push(
    `Titan offline plan: stack ${report.stack} (project ${report.project}), ${report.resources.length} resources`,
  );
  out.push("");
  if (report.fakedSecrets.length) {
    out.push("Offline secrets (labelled fakes, never real values):");
    for (const s of report.fakedSecrets) out.push(`  ${s.key}: fake (${s.reason})`);
    out.push("");
  }
  out.push("Resources:");
  out.push(...renderResourceTree(report.resources).map((l) => `  ${l}`));
  out.push("");
  out.push(
    "Reachability (internet = any address; allow-listed = operator CIDRs; vpc = private network; host = loopback):",
  );
  const reach = reachabilityTable(report.reachability);
  out.push(...table(reach.header, reach.body).map((l) => `  ${l}`));
  out.push("");
  out.push("Secret scope (container × secret env):");
  const scope = secretScopeTable(report.secretScope);
  out.push(
    ...(scope.body.length ? table(scope.header, scope.body).map((l) => `  ${l}`) : ["  (no containers)"]),
  );
  out.push("");
  out.push(
    `Policy pack ${policy.pack}@${policy.version} (${policy.policies} policies, config ${policy.configFile ?? "pack defaults"}):`,
  );
  for (const level of ["mandatory", "advisory"] as const) {
    const list = policy.violations.filter((v) => v.level === level);
    out.push(`  ${level}: ${list.length}`);
    for (const v of list)
      out.push(`    [${v.policy}] ${v.urn.split("::").at(-1) ?? v.urn}: ${v.message.split("\n")[0]}`);
  }
  out.push("");
  out.push(
    `Estimated cost: $${cost.monthlyUsd.toFixed(2)}/month (DigitalOcean list prices as of ${cost.pricesAsOf})`,
  );
  for (const i of cost.items)
    out.push(`  ${i.resource.padEnd(16)} ${i.what.padEnd(28)} $${i.monthlyUsd.toFixed(2)}`);
  if (cost.unknownSizes.length) out.push(`  unpriced sizes: ${cost.unknownSizes.join(", ")}`);
  out.push("");
  out.push(
    policy.mandatory === 0
      ? "Verdict: PASS (no mandatory policy violation)"
      : `Verdict: FAIL (${policy.mandatory} mandatory policy violation${policy.mandatory === 1 ? "" : "s"})`,
  );
  return out.join("\n");
}
