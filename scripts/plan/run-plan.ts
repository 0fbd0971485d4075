import { ConfigError } from "../../infra/config/errors";
import { prepareOfflineSecrets } from "../engine/offline-secrets";
import { redactSecrets } from "../engine/redact";
import { type RegisteredResource, runProgramOffline } from "../engine/run-program";
import { readStackFiles, StackFileError } from "../engine/stack-files";

export interface PlanOptions {
  dir: string;
  stack: string;
  strict: boolean;
}

export interface PlanResources {
  project: string;
  stack: string;
  resources: RegisteredResource[];
  outputs: Record<string, unknown>;
  fakedSecrets: { key: string; reason: string }[];
  fakes: Record<string, string>;
}

/** Bad config or usage: the plan exits 2 with this message, which names the key. */
export class PlanUsageError extends Error {}

/** Reads the stack's files and runs the program under mocks, as `pulumi preview` would run it. */
export async function planResources(opts: PlanOptions): Promise<PlanResources> {
  let files: ReturnType<typeof readStackFiles>;
  try {
    files = readStackFiles(opts.dir, opts.stack);
  } catch (err) {
    if (err instanceof StackFileError) throw new PlanUsageError(err.message);
    throw err;
  }
  const secrets = prepareOfflineSecrets(files, process.env);
  if (opts.strict && secrets.missingRequired.length > 0) {
    throw new PlanUsageError(
      `--strict: required secret(s) not set for stack ${opts.stack}: ${secrets.missingRequired.join(", ")}. ` +
        `Fix: pulumi config set --secret <key> for each (digitalocean:spacesAccessId may be plain text).`,
    );
  }
  const vpcCidr = secrets.values["titan:vpcCidr"] ?? "10.0.0.0/16";
  // The program module reads config at call time, so it is loaded only after the mocks are set.
  const { composeTitanStack } = await import("../../stacks/titan");
  const { readStackConfig } = await import("../../infra/config/read");
  let run: Awaited<ReturnType<typeof runProgramOffline>>;
  // Pulumi captures `new Error().stack` for every resource (its source position, unused here);
  // with the source maps tsx enables, mapping those stacks costs more than the program itself.
  const sourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  try {
    run = await runProgramOffline({
      project: files.project,
      stack: opts.stack,
      config: secrets.values,
      secretKeys: secrets.secretKeys,
      vpcCidr: /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(vpcCidr) ? vpcCidr : "10.0.0.0/16",
      program: () => composeTitanStack(readStackConfig(), opts.stack),
    });
  } catch (err) {
    if (err instanceof ConfigError) throw new PlanUsageError(err.message);
    throw err;
  } finally {
    process.setSourceMapsEnabled(sourceMaps);
  }
  return {
    project: files.project,
    stack: opts.stack,
    resources: run.resources,
    outputs: redactSecrets(run.outputs) as Record<string, unknown>,
    fakedSecrets: secrets.notes,
    fakes: secrets.fakes,
  };
}
