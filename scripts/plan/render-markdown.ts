import { EDGE_TO_TRADING_PORTS, PORTS } from "../../infra/model/ports";
import type { RegisteredResource } from "../engine/run-program";
import { type PlanReport, reachabilityTable, secretScopeTable } from "./report";

const mdTable = (header: string[], body: string[][]) =>
  [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...body.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");

const mermaidId = (s: string) => s.replace(/[^A-Za-z0-9_]/g, "_");

/** A Mermaid flowchart: internet → edge → trading, containers inside their host. */
function topology(resources: RegisteredResource[]): string {
  const droplets = resources
    .filter((r) => r.type === "digitalocean:index/droplet:Droplet")
    .map((r) => r.name.replace(/-droplet$/, ""));
  const providers = resources.filter((r) => r.type === "pulumi:providers:docker");
  const lines = [
    "```mermaid",
    "flowchart LR",
    "  internet((Internet))",
    "  operators((Operators, allow-listed))",
  ];
  for (const host of droplets) {
    lines.push(`  subgraph ${mermaidId(host)}[${host} droplet]`);
    const provider = providers.find((p) => p.name.includes(host));
    for (const c of resources.filter(
      (r) =>
        r.type === "docker:index/container:Container" &&
        provider &&
        r.options.provider?.startsWith(`${provider.urn}::`),
    )) {
      const name = String((c.inputs.name as string | undefined) ?? c.name);
      lines.push(`    ${mermaidId(`${host}_${name}`)}[${name}]`);
    }
    lines.push("  end");
  }
  const front = droplets.includes("edge") ? "edge" : droplets[0];
  if (front) {
    lines.push(`  internet -- "${PORTS.http}, ${PORTS.https}" --> ${mermaidId(front)}`);
    lines.push(`  operators -- "${PORTS.ssh}" --> ${mermaidId(front)}`);
  }
  if (droplets.includes("edge") && droplets.includes("trading")) {
    lines.push(`  edge -- "${EDGE_TO_TRADING_PORTS.join(", ")} (TLS 1.3, mTLS)" --> trading`);
  }
  lines.push("```");
  return lines.join("\n");
}

export function renderMarkdown(report: PlanReport): string {
  const { policy, cost } = report;
  const verdict = policy.mandatory === 0 ? "✅ PASS" : `❌ FAIL (${policy.mandatory} mandatory)`;
  const reach = reachabilityTable(report.reachability);
  const scope = secretScopeTable(report.secretScope);
  const violations = policy.violations.map((v) => [
    v.level,
    v.policy,
    `\`${v.urn.split("::").at(-1)}\``,
    v.message.split("\n")[0] ?? "",
  ]);
  return [
    `## Titan offline plan: \`${report.stack}\` — ${verdict}`,
    "",
    `${report.resources.length} resources · policy pack \`${policy.pack}@${policy.version}\` (${policy.policies} policies): ${policy.mandatory} mandatory, ${policy.advisory} advisory · **$${cost.monthlyUsd.toFixed(2)}/month** (list prices as of ${cost.pricesAsOf})`,
    "",
    report.fakedSecrets.length
      ? `Offline run: ${report.fakedSecrets.length} secret(s) replaced by labelled fakes (${report.fakedSecrets.map((s) => `\`${s.key}\``).join(", ")}).`
      : "",
    "",
    "### Topology",
    topology(report.resources),
    "",
    "### Reachability",
    mdTable(reach.header, reach.body),
    "",
    "### Secret scope",
    scope.body.length ? mdTable(scope.header, scope.body) : "_no containers_",
    "",
    "### Policy results",
    violations.length ? mdTable(["level", "policy", "resource", "message"], violations) : "No violations.",
    "",
  ].join("\n");
}
