import { redactSecrets, secretDigests } from "../engine/redact";
import type { RegisteredResource } from "../engine/run-program";
import type { CostEstimate } from "./cost";
import type { PolicyVerdict } from "./policy-verdict";
import type { ReachabilityRow } from "./reachability";
import type { SecretScopeRow } from "./secret-scope";

export interface PlanReport {
  stack: string;
  project: string;
  fakedSecrets: { key: string; reason: string }[];
  resources: RegisteredResource[];
  outputs: Record<string, unknown>;
  reachability: ReachabilityRow[];
  secretScope: SecretScopeRow[];
  policy: PolicyVerdict;
  cost: CostEstimate;
}

/** The `--json` document. Inputs are redacted: no secret value, real or fake, leaves the run. */
export function toJson(report: PlanReport) {
  return {
    stack: report.stack,
    project: report.project,
    verdict: report.policy.mandatory === 0 ? "pass" : "fail",
    fakedSecrets: report.fakedSecrets,
    resources: report.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      custom: r.custom,
      inputs: redactSecrets(r.inputs),
      options: r.options,
      dependencies: r.dependencies,
      // What `--against` needs to tell dependents replaced with a delete-before-replace resource.
      propertyDependencies: r.propertyDependencies ?? {},
      secretDigests: secretDigests(r.inputs),
    })),
    outputs: report.outputs,
    policy: report.policy,
    reachability: report.reachability,
    secretScope: report.secretScope,
    cost: report.cost,
  };
}

/** A pivot of the reachability rows: one line per droplet, one column per port. */
export function reachabilityTable(rows: ReachabilityRow[]): { header: string[]; body: string[][] } {
  const ports = [...new Set(rows.map((r) => r.port))];
  const droplets = [...new Set(rows.map((r) => r.droplet))];
  const cell = (d: string, p: number) => rows.find((r) => r.droplet === d && r.port === p)?.exposure ?? "";
  return {
    header: ["droplet", ...ports.map(String)],
    body: droplets.map((d) => [d, ...ports.map((p) => (cell(d, p) === "closed" ? "·" : cell(d, p)))]),
  };
}

export function secretScopeTable(rows: SecretScopeRow[]): { header: string[]; body: string[][] } {
  const names = [...new Set(rows.flatMap((r) => [...r.secrets, ...r.unmarked]))].sort();
  return {
    header: ["container", ...names],
    body: rows.map((r) => [
      r.container,
      ...names.map((n) => (r.secrets.includes(n) ? "x" : r.unmarked.includes(n) ? "PLAIN!" : "")),
    ]),
  };
}
