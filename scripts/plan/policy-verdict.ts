import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { prepareCompiledPack } from "../engine/compiled-pack";
import {
  type EngineResource,
  type PolicyDiagnostic,
  type PolicyPackSession,
  startPolicyPack,
} from "../engine/policy-engine";
import type { RegisteredResource } from "../engine/run-program";

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

/**
 * `urn::id` → the provider's own URN, name and type, and its inputs, as the engine describes a
 * resource's provider (pkg/resource/deploy/step_generator.go: `Properties: providerResource.Inputs`).
 */
function providerOf(
  ref: string | undefined,
  byUrn?: ReadonlyMap<string, RegisteredResource>,
): EngineResource["provider"] | undefined {
  if (!ref) return undefined;
  const urn = ref.split("::").slice(0, -1).join("::");
  const parts = urn.split("::");
  const name = parts.at(-1) ?? "";
  const type = (parts.at(-2) ?? "").split("$").at(-1) ?? "";
  const registered = byUrn?.get(urn);
  return { urn, name, type, ...(registered ? { properties: registered.inputs } : {}) };
}

/** What the offline run may also record: per-property dependencies and the mocks' outputs. */
type Recorded = RegisteredResource & {
  propertyDependencies?: Record<string, string[]>;
  outputs?: Record<string, unknown>;
};

export function toEngineResource(r: RegisteredResource): EngineResource {
  return engineResource(r);
}

/** The custom resources as the engine sends them, each provider with its inputs. */
export function toEngineResources(resources: readonly RegisteredResource[]): EngineResource[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  return resources.filter((r) => r.custom).map((r) => engineResource(r, byUrn));
}

function engineResource(
  r: RegisteredResource,
  byUrn?: ReadonlyMap<string, RegisteredResource>,
): EngineResource {
  const provider = providerOf(r.options.provider, byUrn);
  const recorded = r as Recorded;
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
    ...(recorded.propertyDependencies ? { propertyDependencies: recorded.propertyDependencies } : {}),
    ...(recorded.outputs ? { outputs: recorded.outputs } : {}),
  };
}

const toViolation = (d: PolicyDiagnostic): PolicyViolation => ({
  policy: d.policyName,
  level: d.enforcementLevel,
  urn: d.urn ?? "",
  message: d.message,
});

export interface OpenPackOptions {
  /** Project directory: its `policy/` is the pack. */
  dir: string;
  stack: string;
  project: string;
  /** `--policy-config`; default `policy/config.<stack>.json` when it exists. */
  configFile?: string;
  /** true: run the TypeScript sources through ts-node's type-check, as the CLI does; false: the esbuild transpile. */
  typecheck: boolean;
}

export interface OpenPack {
  session: PolicyPackSession;
  configPath: string | null;
  /** Milliseconds spent transpiling (0 with `typecheck`, ~0 on a cache hit). */
  compileMs: number;
}

/** Reads the stack's policy config; the `--policy-config` file must exist when given. */
function readPolicyConfig(packDir: string, stack: string, configFile?: string) {
  const configPath = configFile ?? join(packDir, `config.${stack}.json`);
  if (configFile && !existsSync(configFile)) throw new Error(`--policy-config: ${configFile} not found`);
  if (!existsSync(configPath)) return { configPath: null, config: undefined };
  return { configPath, config: JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown> };
}

/** Starts the pack as its own process, as the CLI does, configured with the stack's policy config. */
export async function openPolicyPack(opts: OpenPackOptions): Promise<OpenPack> {
  const sourceDir = join(opts.dir, "policy");
  const { configPath, config } = readPolicyConfig(sourceDir, opts.stack, opts.configFile);
  const compiled = opts.typecheck ? undefined : await prepareCompiledPack(sourceDir);
  const session = await startPolicyPack({
    packDir: compiled?.dir ?? sourceDir,
    stack: opts.stack,
    project: opts.project,
    dryRun: true,
    // The port arrives while this process runs the program: a large stack keeps it busy for long.
    startTimeoutMs: 600_000,
    ...(config ? { config } : {}),
  });
  return { session, configPath, compileMs: compiled?.buildMs ?? 0 };
}

/**
 * Sends every custom resource with `Analyze` and the whole stack with `AnalyzeStack` to a started
 * pack, then stops it.
 */
export async function judgeWithOpenPack(
  pack: OpenPack,
  resources: RegisteredResource[],
): Promise<PolicyVerdict> {
  const { session } = pack;
  try {
    const info = await session.info();
    // The engine analyzes custom resources; components are only parents in the tree.
    const engineResources = toEngineResources(resources);
    const [perResource, stackWide] = await Promise.all([
      session.analyzeMany(engineResources),
      session.analyzeStack(engineResources),
    ]);
    const violations = [...perResource, ...stackWide].map(toViolation);
    return {
      pack: info.name,
      version: info.version,
      configFile: pack.configPath,
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
