import { readFileSync, writeFileSync } from "node:fs";
import { InvalidArgumentError } from "commander";
import type { CommandRunner } from "./command-runner";
import {
  compareEpochs,
  isValidEpoch,
  ROTATION_EPOCH_KEY,
  renewalPlan,
  setEpochInStackFile,
} from "./rotation";

export interface RotateOptions {
  stack?: string;
  file?: string;
  epoch: string;
  dryRun: boolean;
}

export function parseEpoch(value: string): string {
  if (!isValidEpoch(value)) throw new InvalidArgumentError(`"${value}" is not an epoch like 2026-Q4`);
  return value;
}

const stackArgs = (stack: string | undefined): string[] => (stack === undefined ? [] : ["--stack", stack]);

async function currentEpochFromPulumi(
  run: CommandRunner,
  stack: string | undefined,
): Promise<string | undefined> {
  const result = await run("pulumi", ["config", "get", ROTATION_EPOCH_KEY, ...stackArgs(stack)]);
  if (result.notFound === true) throw new Error("pulumi is not on PATH (or use --file Pulumi.<stack>.yaml)");
  return result.code === 0 ? result.stdout.trim() : undefined;
}

async function setEpochWithPulumi(
  run: CommandRunner,
  stack: string | undefined,
  epoch: string,
): Promise<void> {
  const result = await run("pulumi", ["config", "set", ROTATION_EPOCH_KEY, epoch, ...stackArgs(stack)]);
  if (result.code !== 0) throw new Error(`pulumi config set failed: ${result.stderr.trim()}`);
}

/** Moves the epoch forward (never back) and prints what the next `pulumi up` renews. Returns the exit code. */
export async function rotate(
  options: RotateOptions,
  run: CommandRunner,
  log: (line: string) => void,
): Promise<number> {
  const target = options.epoch;
  const fileText = options.file === undefined ? undefined : readFileSync(options.file, "utf8");
  const current =
    fileText === undefined
      ? await currentEpochFromPulumi(run, options.stack)
      : setEpochInStackFile(fileText, target).previous;
  if (current !== undefined && compareEpochs(current, target) >= 0) {
    log(`titan:rotationEpoch is already ${current}: nothing to rotate (target ${target}).`);
    return 0;
  }
  log(renewalPlan(current, target));
  if (options.dryRun) {
    log("\n--dry-run: nothing changed.");
    return 0;
  }
  if (options.file !== undefined && fileText !== undefined) {
    writeFileSync(options.file, setEpochInStackFile(fileText, target).text);
    log(
      `\nwrote ${ROTATION_EPOCH_KEY}: ${target} to ${options.file}; commit it, then run: npm run preflight && pulumi up`,
    );
  } else {
    await setEpochWithPulumi(run, options.stack, target);
    log(`\npulumi config set ${ROTATION_EPOCH_KEY} ${target}: done; next: npm run preflight && pulumi up`);
  }
  return 0;
}
