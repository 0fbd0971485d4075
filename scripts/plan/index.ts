/**
 * `npm run plan -- [--stack NAME] [--json] [--markdown FILE] [--artifacts DIR] [--strict]
 *                  [--against OLD.json] [--export FILE]`
 *
 * The offline preview: runs the program under Pulumi's mocks with the stack's config, sends every
 * resource to the policy pack over the analyzer protocol (as `pulumi preview --policy-pack`
 * does), and reports resources, reachability, secret scope, policy results and cost.
 * `--against OLD.json` (the `--json` output of an earlier commit or config) adds what `pulumi up`
 * would create, update, replace and delete, with each replaced container's expected downtime;
 * `--export FILE` writes the plan as a `pulumi stack export` deployment.
 * Exit 0: no mandatory violation; 1: a mandatory policy failed; 2: bad config or usage (also a
 * malformed OLD.json). `--against` never changes the exit code: it reports, the policy decides.
 *
 * The pack starts in its own process while the program runs here, and by default from an esbuild
 * transpile of its sources (cached by their hash); `--typecheck-policy` runs the TypeScript
 * sources through ts-node's type-check instead, exactly as `pulumi preview --policy-pack` does.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { Command, CommanderError } from "commander";
import { PolicyConfigError } from "../engine/policy-config";
import { readStackFiles } from "../engine/stack-files";
import { writeArtifacts } from "./artifacts";
import { estimateMonthlyCost } from "./cost";
import { diffPlans } from "./diff-plans";
import { readReplacementLatencies } from "./downtime";
import { buildDeployment } from "./export-deployment";
import { type PlanDocument, PlanDocumentError, parsePlanDocument, readPlanDocument } from "./plan-document";
import { judgeWithOpenPack, type OpenPack, openPolicyPack } from "./policy-verdict";
import { computeReachability } from "./reachability";
import { type ChangeReport, changeReport, renderChanges } from "./render-changes";
import { renderMarkdown } from "./render-markdown";
import { renderText } from "./render-text";
import { readReplaceTable } from "./replace-rules";
import type { PlanReport } from "./report";
import { toJson } from "./report";
import { PlanUsageError, planResources } from "./run-plan";
import { computeSecretScope } from "./secret-scope";

interface PlanFlags {
  stack: string;
  json: boolean;
  markdown?: string;
  artifacts?: string;
  strict: boolean;
  dir: string;
  policyConfig?: string;
  typecheckPolicy: boolean;
  against?: string;
  export?: string;
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
    .option(
      "--against <old.json>",
      "compare with OLD.json, the --json output of `npm run plan` on an earlier commit or config: " +
        "print what pulumi up would create, update, replace (with each container's downtime) and delete",
    )
    .option(
      "--export <file>",
      "write the planned stack as a Pulumi deployment (the shape of `pulumi stack export`), " +
        "for `pulumi policy analyze --file FILE --policy-pack policy`",
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
  // A malformed OLD.json stops the plan before the program runs (exit 2, naming the problem).
  let against: PlanDocument | undefined;
  try {
    against = flags.against ? readPlanDocument(flags.against) : undefined;
  } catch (err) {
    if (err instanceof PlanDocumentError) {
      process.stderr.write(`--against ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (against && against.stack !== flags.stack) {
    process.stderr.write(
      `--against ${flags.against}: a plan of stack '${against.stack}', not '${flags.stack}': every URN would differ\n`,
    );
    return 2;
  }
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
  const json = toJson(report);
  const changes = against && flags.against ? compareWith(flags.against, against, json) : undefined;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(changes ? { ...json, against: changes } : json, null, 2)}\n`);
  } else {
    const names = new Map(report.resources.map((r) => [r.urn, r.name]));
    process.stdout.write(`${renderText(report)}\n`);
    if (changes) process.stdout.write(`\n${renderChanges(changes, names)}\n`);
  }
  if (flags.export) {
    const deployment = buildDeployment({
      project: planned.project,
      stack: planned.stack,
      resources: planned.resources,
      stackOutputs: planned.outputs,
      fakedSecrets: planned.fakedSecrets,
      fakeValues: Object.values(planned.fakes),
    });
    writeFileSync(flags.export, `${JSON.stringify(deployment, null, 2)}\n`);
    process.stderr.write(
      `wrote ${deployment.deployment.resources.length} resources to ${flags.export} (secrets as envelopes of offline fakes)\n`,
    );
  }
  if (flags.markdown) writeFileSync(flags.markdown, renderMarkdown(report), { flag: "a" });
  if (flags.artifacts) {
    const written = writeArtifacts(resolve(flags.artifacts), planned.resources, planned.fakes);
    process.stderr.write(`wrote ${written.length} artifact files to ${flags.artifacts}\n`);
  }
  return policy.mandatory === 0 ? 0 : 1;
}

/** The current plan, read back as a plan document exactly as OLD.json was, diffed against it. */
function compareWith(label: string, old: PlanDocument, json: ReturnType<typeof toJson>): ChangeReport {
  const current = parsePlanDocument(JSON.parse(JSON.stringify(json)), "current plan");
  const diff = diffPlans(old.resources, current.resources, readReplaceTable());
  return changeReport(label, diff, current.resources, readReplacementLatencies());
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
