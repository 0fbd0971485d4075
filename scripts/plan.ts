/**
 * `npm run plan -- [--stack NAME] [--json] [--markdown FILE] [--artifacts DIR] [--strict]`
 *
 * The offline preview: runs the program under Pulumi's mocks with the stack's config, sends every
 * resource to the policy pack over the analyzer protocol (as `pulumi preview --policy-pack`
 * does), and reports resources, reachability, secret scope, policy results and cost.
 * Exit 0: no mandatory violation; 1: a mandatory policy failed; 2: bad config or usage.
 *
 * The pack starts in its own process while the program runs here, and by default from an esbuild
 * transpile of its sources (cached by their hash); `--typecheck-policy` runs the TypeScript
 * sources through ts-node's type-check instead, exactly as `pulumi preview --policy-pack` does.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { Command, CommanderError } from "commander";
import { writeArtifacts } from "./lib/plan/artifacts";
import { estimateMonthlyCost } from "./lib/plan/cost";
import { judgeWithOpenPack, type OpenPack, openPolicyPack } from "./lib/plan/policy-verdict";
import { computeReachability } from "./lib/plan/reachability";
import { renderMarkdown } from "./lib/plan/render-markdown";
import { renderText } from "./lib/plan/render-text";
import type { PlanReport } from "./lib/plan/report";
import { toJson } from "./lib/plan/report";
import { PlanUsageError, planResources } from "./lib/plan/run-plan";
import { computeSecretScope } from "./lib/plan/secret-scope";
import { PolicyConfigError } from "./lib/policy-engine";
import { readStackFiles } from "./lib/stack-files";

interface PlanFlags {
  stack: string;
  json: boolean;
  markdown?: string;
  artifacts?: string;
  strict: boolean;
  dir: string;
  policyConfig?: string;
  typecheckPolicy: boolean;
}

function parseFlags(argv: string[]): PlanFlags {
  const program = new Command("plan")
    .description("Offline preview of a Titan stack with the policy verdict.")
    .option("--stack <name>", "stack to preview (reads Pulumi.<name>.yaml)", "prod")
    .option("--json", "print one JSON document instead of text", false)
    .option("--markdown <file>", "also write a Markdown report (PR comment, step summary)")
    .option("--artifacts <dir>", "write every file that lands on a droplet, and the fake secrets used")
    .option("--strict", "fail, as pulumi up would, when a required secret is not set", false)
    .option("--dir <dir>", "project directory", process.cwd())
    .option(
      "--policy-config <file>",
      "policy pack config (default policy/config.<stack>.json), as --policy-pack-config",
    )
    .option(
      "--typecheck-policy",
      "start the pack from its TypeScript sources with ts-node's type-check, as the CLI does (slower)",
      false,
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program.parse(argv, { from: "user" });
  return program.opts<PlanFlags>();
}

function startPackEarly(dir: string, flags: PlanFlags): Promise<OpenPack> {
  const opened = Promise.resolve().then(() =>
    openPolicyPack({
      dir,
      stack: flags.stack,
      project: readStackFiles(dir, flags.stack).project,
      typecheck: flags.typecheckPolicy,
      ...(flags.policyConfig ? { configFile: flags.policyConfig } : {}),
    }),
  );
  // A failure surfaces when the plan awaits the pack; until then it must not count as unhandled.
  opened.catch(() => undefined);
  return opened;
}

async function main(argv: string[]): Promise<number> {
  let flags: PlanFlags;
  try {
    flags = parseFlags(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(flags.stack)) {
    process.stderr.write(`--stack: '${flags.stack}' is not a stack name\n`);
    return 2;
  }
  const dir = resolve(flags.dir);
  // The pack starts (its own process) while the program runs here: the two overlap.
  const pack = startPackEarly(dir, flags);
  let planned: Awaited<ReturnType<typeof planResources>>;
  try {
    planned = await planResources({ dir, stack: flags.stack, strict: flags.strict });
  } catch (err) {
    await pack.then((p) => p.session.close()).catch(() => undefined);
    if (err instanceof PlanUsageError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  let opened: OpenPack;
  try {
    opened = await pack;
  } catch (err) {
    // The CLI refuses the preview on a config it cannot validate (naming policy and field).
    if (err instanceof PolicyConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  for (const warning of opened.session.configWarnings) process.stderr.write(`policy config: ${warning}\n`);
  const policy = await judgeWithOpenPack(opened, planned.resources);
  const report: PlanReport = {
    stack: planned.stack,
    project: planned.project,
    fakedSecrets: planned.fakedSecrets,
    resources: planned.resources,
    outputs: planned.outputs,
    reachability: computeReachability(planned.resources),
    secretScope: computeSecretScope(planned.resources),
    policy,
    cost: estimateMonthlyCost(planned.resources),
  };
  process.stdout.write(
    flags.json ? `${JSON.stringify(toJson(report), null, 2)}\n` : `${renderText(report)}\n`,
  );
  if (flags.markdown) writeFileSync(flags.markdown, renderMarkdown(report), { flag: "a" });
  if (flags.artifacts) {
    const written = writeArtifacts(resolve(flags.artifacts), planned.resources, planned.fakes);
    process.stderr.write(`wrote ${written.length} artifact files to ${flags.artifacts}\n`);
  }
  return policy.mandatory === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`plan failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);
