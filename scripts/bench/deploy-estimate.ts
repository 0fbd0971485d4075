import type { RegisteredResource } from "../engine/run-program";
import { type CriticalPath, criticalPath } from "./critical-path";
import { buildDeployGraph } from "./deploy-graph";
import { type LatencyTable, lowerBoundSeconds, secondsOf } from "./latency";
import { type CheckResult, serializationChecks } from "./serialization-checks";

export interface DeployEstimate {
  latenciesAsOf: string;
  estimateSeconds: number;
  lowerBoundSeconds: number;
  /** The critical path's custom resources (components cost nothing and are left out). */
  criticalPath: CriticalPath["chain"];
  checks: CheckResult[];
}

/** The greenfield `pulumi up` estimate for one planned stack, from its registrations. */
export function estimateDeploy(
  resources: readonly RegisteredResource[],
  table: LatencyTable,
): DeployEstimate {
  const graph = buildDeployGraph(resources);
  const path = criticalPath(graph, (n) => secondsOf(n, table));
  return {
    latenciesAsOf: table.asOf,
    estimateSeconds: path.totalSeconds,
    lowerBoundSeconds: lowerBoundSeconds(graph.values(), table),
    criticalPath: path.chain.filter((s) => s.seconds > 0),
    checks: serializationChecks(graph),
  };
}
