import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { runCommand } from "./command-runner";
import { type CheckResult, runPreflight } from "./preflight-checks";
import { lookupPublicAddress } from "./public-address";

const repositoryRoot = join(__dirname, "..", "..");

/** The CLI must be at least as new as the SDK the program is built against. */
function sdkVersion(): string {
  const manifest = JSON.parse(readFileSync(join(repositoryRoot, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  return manifest.dependencies?.["@pulumi/pulumi"] ?? "3.0.0";
}

function printResults(results: readonly CheckResult[]): void {
  for (const result of results) {
    console.log(`${result.ok ? "PASS" : "FAIL"}  ${result.name}: ${result.detail}`);
    if (!result.ok && result.fix !== undefined) console.log(`      fix: ${result.fix}`);
  }
}

async function main(): Promise<void> {
  const program = new Command()
    .name("preflight")
    .description("Checks everything `pulumi up` needs before an operator runs it.")
    .option("--stack <name>", "stack to check (default: the selected stack)")
    .option("--ip <address>", "your public address (default: looked up from https://api.ipify.org)")
    .option("--min-pulumi-version <version>", "oldest acceptable Pulumi CLI", sdkVersion())
    .parse();
  const options = program.opts<{ stack?: string; ip?: string; minPulumiVersion: string }>();
  const results = await runPreflight(
    {
      run: runCommand,
      lookupPublicAddress: () => lookupPublicAddress(),
      fileExists: existsSync,
      env: process.env,
    },
    {
      minPulumiVersion: options.minPulumiVersion,
      stack: options.stack,
      ip: options.ip,
      policyPackageJsonPaths: [
        join(repositoryRoot, "policy", "node_modules", "@pulumi", "policy", "package.json"),
        join(repositoryRoot, "node_modules", "@pulumi", "policy", "package.json"),
      ],
    },
  );
  printResults(results);
  const failed = results.filter((result) => !result.ok).length;
  console.log(failed === 0 ? "\npreflight: all checks passed" : `\npreflight: ${failed} check(s) failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

void main();
