import { performance } from "node:perf_hooks";
import { type EngineResource, type PolicyPackSession, startPolicyPack } from "../engine/policy-engine";
import type { RegisteredResource } from "../engine/run-program";
import { toEngineResource } from "../plan/policy-verdict";
import { configForOnePolicy, type PolicyCost, policyCosts } from "./policy-cost";
import { median, perSecond } from "./stats";

type PolicyPackInfo = Awaited<ReturnType<PolicyPackSession["info"]>>;

export interface ThroughputResult {
  resources: number;
  /** Median milliseconds for every resource through `Analyze` (concurrent, as the engine sends them). */
  analyzeMs: number;
  /** Median milliseconds for the whole set through one `AnalyzeStack`. */
  analyzeStackMs: number;
  /** Resources per second through both: each resource is analyzed once alone and once in the stack. */
  resourcesPerSecond: number;
}

export interface PackUnderTest {
  packDir: string;
  stack: string;
  project: string;
  config: Record<string, unknown>;
}

const engineSet = (resources: readonly RegisteredResource[]) =>
  resources.filter((r) => r.custom).map(toEngineResource);

async function timeOnce(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** Starts the pack once and times `repeats` passes of the resource set through the protocol. */
export async function measureThroughput(
  pack: PackUnderTest,
  resources: readonly RegisteredResource[],
  repeats: number,
  config: Record<string, unknown> = pack.config,
): Promise<ThroughputResult & { info: PolicyPackInfo }> {
  const set: EngineResource[] = engineSet(resources);
  const session = await startPolicyPack({
    packDir: pack.packDir,
    stack: pack.stack,
    project: pack.project,
    config,
  });
  try {
    const info = await session.info();
    await session.analyzeMany(set.slice(0, 5)); // warm the connection and the pack's code paths
    const analyze: number[] = [];
    const stack: number[] = [];
    for (let i = 0; i < repeats; i++) {
      analyze.push(await timeOnce(() => session.analyzeMany(set)));
      stack.push(await timeOnce(() => session.analyzeStack(set)));
    }
    const analyzeMs = median(analyze);
    const analyzeStackMs = median(stack);
    return {
      info,
      resources: set.length,
      analyzeMs: Math.round(analyzeMs),
      analyzeStackMs: Math.round(analyzeStackMs),
      resourcesPerSecond: perSecond(set.length, analyzeMs + analyzeStackMs),
    };
  } finally {
    await session.close();
  }
}

export interface PolicyCostResult {
  resources: number;
  baselineMs: number;
  costs: PolicyCost[];
}

/**
 * Each policy's cost on a resource set: the pack is started with every policy disabled (the
 * baseline), then once per policy with only that one enabled, and the baseline is subtracted.
 */
export async function measurePolicyCosts(
  pack: PackUnderTest,
  policies: PolicyPackInfo["policies"],
  resources: readonly RegisteredResource[],
  repeats: number,
  onProgress: (line: string) => void,
): Promise<PolicyCostResult> {
  const total = (r: ThroughputResult) => r.analyzeMs + r.analyzeStackMs;
  const disabled: Record<string, unknown> = { all: "disabled" };
  for (const p of policies) disabled[p.name] = "disabled";
  const baseline = await measureThroughput(pack, resources, repeats, disabled);
  onProgress(`  policies all disabled: ${total(baseline)} ms`);
  const alone: Record<string, number> = {};
  for (const p of policies) {
    const run = await measureThroughput(
      pack,
      resources,
      repeats,
      configForOnePolicy(pack.config, policies, p.name),
    );
    alone[p.name] = total(run);
    onProgress(`  ${p.name} alone: ${total(run)} ms`);
  }
  return {
    resources: baseline.resources,
    baselineMs: total(baseline),
    costs: policyCosts(total(baseline), alone),
  };
}
