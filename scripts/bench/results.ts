import type { DeployEstimate } from "./deploy-estimate";
import type { PlanTiming } from "./plan-timing";
import type { PolicyCostResult, ThroughputResult } from "./policy-throughput";

/** `bench/results.json`. */
export interface BenchResults {
  generatedAt: string;
  machine: { cpus: number; cpuModel: string; node: string; loadAverageAtStart: number[] };
  plan: {
    runsPerStack: number;
    /** The plan as shipped: pack transpiled with esbuild, started while the program runs. */
    prod: PlanTiming & { resources: number };
    bench10: PlanTiming & { resources: number; ratioToProd: number };
    bench50: PlanTiming & { resources: number; ratioToProd: number };
    /** Same code, pack started from its TypeScript sources with ts-node's type-check (`--typecheck-policy`). */
    typecheckedPack: PlanTiming;
  };
  policy: {
    prod: ThroughputResult;
    bench50: ThroughputResult;
    perPolicy: PolicyCostResult;
  };
  deploy: DeployEstimate;
  cost: {
    prodMonthlyUsd: number;
    singleMonthlyUsd: number;
    titanBaselineMonthlyUsd: number;
    pricesAsOf: string;
  };
  suite?: { wallMs: number; exitCode: number | null };
}
