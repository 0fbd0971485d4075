/**
 * `npm run bench -- [--runs N] [--policy-repeats N] [--no-suite]`
 *
 * Measures what the offline plan, the policy pack, a greenfield deploy and the test suite cost,
 * prints a table and writes bench/results.json. Scratch files go to bench/out/ (git-ignored).
 * Timings are recorded, never asserted: nothing here fails on a slow machine.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { Command } from "commander";
import { prepareCompiledPack } from "../engine/compiled-pack";
import { dropletMonthlyUsd, estimateMonthlyCost } from "../plan/cost";
import { planResources } from "../plan/run-plan";
import { makeBenchProject } from "./bench-project";
import { estimateDeploy } from "./deploy-estimate";
import type { LatencyTable } from "./latency";
import { timePlanRuns } from "./plan-timing";
import { measurePolicyCosts, measureThroughput, type PackUnderTest } from "./policy-throughput";
import { renderBench } from "./render";
import type { BenchResults } from "./results";
import { ratio } from "./stats";

const TITAN_BASELINE_SIZE = "s-4vcpu-8gb";
const PROD_POLICY_CONFIG = "policy/config.prod.json";

interface BenchFlags {
  runs: string;
  policyRepeats: string;
  suite: boolean;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

function timeSuite(repo: string): { wallMs: number; exitCode: number | null } {
  log("test suite: npx vitest run");
  const started = performance.now();
  const run = spawnSync("npx", ["vitest", "run", "--reporter=dot"], {
    cwd: repo,
    stdio: ["ignore", "ignore", "ignore"],
  });
  return { wallMs: Math.round(performance.now() - started), exitCode: run.status };
}

async function main(): Promise<void> {
  const flags = new Command("bench")
    .option("--runs <n>", "cold plan runs per stack (median)", "5")
    .option("--policy-repeats <n>", "passes per policy measurement (median)", "3")
    .option("--no-suite", "skip timing the test suite")
    .parse(process.argv)
    .opts<BenchFlags>();
  const runs = Math.max(1, Number(flags.runs));
  const repeats = Math.max(1, Number(flags.policyRepeats));
  const repo = resolve(".");
  const scratch = resolve(repo, "bench/out");
  mkdirSync(scratch, { recursive: true });
  const loadAtStart = loadavg().map((l) => Math.round(l * 100) / 100);

  // 1. Offline plan wall time.
  const bench10 = makeBenchProject(repo, scratch, 10);
  const bench50 = makeBenchProject(repo, scratch, 50);
  const benchArgs = (p: { dir: string; stack: string }) => [
    "--stack",
    p.stack,
    "--dir",
    p.dir,
    "--policy-config",
    PROD_POLICY_CONFIG,
  ];
  // Resource sets, planned in this process.
  const prod = await planResources({ dir: repo, stack: "prod", strict: false });
  const single = await planResources({ dir: repo, stack: "single", strict: false });
  const ten = await planResources({ dir: bench10.dir, stack: bench10.stack, strict: false });
  const fifty = await planResources({ dir: bench50.dir, stack: bench50.stack, strict: false });

  // 3. Deploy critical path, 4. cost.
  const latencies = JSON.parse(
    readFileSync(join(repo, "data/deploy-latencies.json"), "utf8"),
  ) as LatencyTable;
  const prodCost = estimateMonthlyCost(prod.resources);

  const deploy = estimateDeploy(prod.resources, latencies);
  log(`deploy estimate ${deploy.estimateSeconds} s, lower bound ${deploy.lowerBoundSeconds} s`);

  log("offline plan:");
  const prodTiming = timePlanRuns("prod", repo, [], runs);
  const bench10Timing = timePlanRuns("bench10", repo, benchArgs(bench10), runs);
  const bench50Timing = timePlanRuns("bench50", repo, benchArgs(bench50), runs);
  const typechecked = timePlanRuns("prod --typecheck-policy", repo, ["--typecheck-policy"], runs);

  // 2. Policy evaluation alone.
  log("policy evaluation:");
  const compiled = await prepareCompiledPack(join(repo, "policy"));
  const config = JSON.parse(readFileSync(join(repo, PROD_POLICY_CONFIG), "utf8")) as Record<string, unknown>;
  const pack: PackUnderTest = { packDir: compiled.dir, stack: "prod", project: prod.project, config };
  const prodThroughput = await measureThroughput(pack, prod.resources, repeats);
  const { info: _prodInfo, ...prodPolicy } = prodThroughput;
  const { info: _fiftyInfo, ...fiftyPolicy } = await measureThroughput(pack, fifty.resources, repeats);
  // Per policy on the 10× set: enough work to time each policy, 18 pack starts in reasonable time.
  const perPolicy = await measurePolicyCosts(pack, prodThroughput.info.policies, ten.resources, repeats, log);

  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "unknown",
      node: process.version,
      loadAverageAtStart: loadAtStart,
    },
    plan: {
      runsPerStack: runs,
      prod: { ...prodTiming, resources: prod.resources.length },
      bench10: {
        ...bench10Timing,
        resources: ten.resources.length,
        ratioToProd: ratio(bench10Timing.medianMs, prodTiming.medianMs),
      },
      bench50: {
        ...bench50Timing,
        resources: fifty.resources.length,
        ratioToProd: ratio(bench50Timing.medianMs, prodTiming.medianMs),
      },
      typecheckedPack: typechecked,
    },
    policy: { prod: prodPolicy, bench50: fiftyPolicy, perPolicy },
    deploy,
    cost: {
      prodMonthlyUsd: prodCost.monthlyUsd,
      singleMonthlyUsd: estimateMonthlyCost(single.resources).monthlyUsd,
      titanBaselineMonthlyUsd: dropletMonthlyUsd(TITAN_BASELINE_SIZE) ?? Number.NaN,
      pricesAsOf: prodCost.pricesAsOf,
    },
    ...(flags.suite ? { suite: timeSuite(repo) } : {}),
  };
  writeFileSync(join(repo, "bench/results.json"), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${renderBench(results)}\nwrote bench/results.json\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
