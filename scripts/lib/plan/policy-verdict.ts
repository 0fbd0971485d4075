import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RegisteredResource } from "../offline/run-program";
import { type EngineResource, type PolicyDiagnostic, startPolicyPack } from "../policy-engine";

export interface PolicyViolation {
  policy: string;
  level: string;
  urn: string;
  message: string;
}
export interface PolicyVerdict {
  pack: string;
  version: string;
  configFile: string | null;
  policies: number;
  violations: PolicyViolation[];
  mandatory: number;
  advisory: number;
  startupMs: number;
}

/** `urn::id` → the provider's own URN, name and type, as the engine describes a resource's provider. */
function providerOf(ref: string | undefined): EngineResource["provider"] | undefined {
  if (!ref) return undefined;
  const urn = ref.split("::").slice(0, -1).join("::");
  const parts = urn.split("::");
  const name = parts.at(-1) ?? "";
  const type = (parts.at(-2) ?? "").split("$").at(-1) ?? "";
  return { urn, name, type };
}

export function toEngineResource(r: RegisteredResource): EngineResource {
  const provider = providerOf(r.options.provider);
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    properties: r.inputs,
    options: {
      protect: r.options.protect,
      ignoreChanges: r.options.ignoreChanges,
      deleteBeforeReplace: r.options.deleteBeforeReplace,
      ...(r.options.parent ? { parent: r.options.parent } : {}),
      ...(r.options.provider ? { provider: r.options.provider } : {}),
      dependsOn: r.options.dependsOn,
      additionalSecretOutputs: r.options.additionalSecretOutputs,
    },
    ...(provider ? { provider } : {}),
    dependencies: r.dependencies,
  };
}

const toViolation = (d: PolicyDiagnostic): PolicyViolation => ({
  policy: d.policyName,
  level: d.enforcementLevel,
  urn: d.urn ?? "",
  message: d.message,
});

/**
 * Starts the pack as its own process, as the CLI does, and sends it every custom resource with
 * `Analyze` and the whole stack with `AnalyzeStack`, with the stack's policy config.
 */
export async function judgeWithPolicyPack(
  dir: string,
  stack: string,
  project: string,
  resources: RegisteredResource[],
  configFile?: string,
): Promise<PolicyVerdict> {
  const packDir = join(dir, "policy");
  const configPath = configFile ?? join(packDir, `config.${stack}.json`);
  if (configFile && !existsSync(configFile)) throw new Error(`--policy-config: ${configFile} not found`);
  const config = existsSync(configPath) ? (JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>) : undefined;
  const session = await startPolicyPack({ packDir, stack, project, dryRun: true, ...(config ? { config } : {}) });
  try {
    const info = await session.info();
    // The engine analyzes custom resources; components are only parents in the tree.
    const engineResources = resources.filter((r) => r.custom).map(toEngineResource);
    const [perResource, stackWide] = await Promise.all([
      session.analyzeMany(engineResources),
      session.analyzeStack(engineResources),
    ]);
    const violations = [...perResource, ...stackWide].map(toViolation);
    return {
      pack: info.name,
      version: info.version,
      configFile: config ? configPath : null,
      policies: info.policies.length,
      violations,
      mandatory: violations.filter((v) => v.level === "mandatory").length,
      advisory: violations.filter((v) => v.level === "advisory").length,
      startupMs: session.startupMs,
    };
  } finally {
    await session.close();
  }
}
