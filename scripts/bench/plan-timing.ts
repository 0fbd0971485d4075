import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { median } from "./stats";

export interface PlanTiming {
  label: string;
  args: string[];
  samplesMs: number[];
  medianMs: number;
  /** 1-minute load average before each run: other work on the machine inflates wall time. */
  loadAverages: number[];
}

/**
 * Runs the offline plan `runs` times, each a fresh process as `npm run plan` starts it
 * (`node_modules/.bin/tsx scripts/plan/index.ts …`), and keeps the wall time of each.
 */
export function timePlanRuns(label: string, cwd: string, args: string[], runs: number): PlanTiming {
  const tsx = resolve(cwd, "node_modules/.bin/tsx");
  const samplesMs: number[] = [];
  const loadAverages: number[] = [];
  for (let i = 0; i < runs; i++) {
    loadAverages.push(Math.round((loadavg()[0] ?? 0) * 100) / 100);
    const started = performance.now();
    const run = spawnSync(tsx, ["scripts/plan/index.ts", ...args], {
      cwd,
      stdio: ["ignore", "ignore", "pipe"],
    });
    const ms = performance.now() - started;
    if (run.status !== 0) {
      throw new Error(
        `plan ${args.join(" ")} exited ${run.status}: ${run.stderr?.toString("utf8").slice(-2000)}`,
      );
    }
    samplesMs.push(Math.round(ms));
    process.stderr.write(`  ${label} run ${i + 1}/${runs}: ${Math.round(ms)} ms\n`);
  }
  return { label, args, samplesMs, medianMs: median(samplesMs), loadAverages };
}
