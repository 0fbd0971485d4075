// Drives a CrossGuard policy pack exactly as the Pulumi engine does: the pack runs as its own
// process, launched through @pulumi/pulumi's run-policy-pack entry (which registers ts-node for
// TypeScript), prints the port of its Analyzer gRPC server on stdout, and is then spoken to over
// gRPC: GetAnalyzerInfo, Configure, Analyze, AnalyzeStack. Used by the policy tests and by the
// offline plan, so it must not depend on anything but the pack directory.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import * as engineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as enginePb from "@pulumi/pulumi/proto/engine_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import {
  type EnforcementLevelName,
  PolicyConfigError,
  type PolicyMetadata,
  parsePolicyPackConfig,
  type ReconciledConfig,
  reconcilePolicyPackConfig,
} from "./policy-config";

export interface EngineResource {
  urn: string;
  type: string;
  name: string;
  properties: Record<string, unknown>;
  options?: {
    protect?: boolean;
    ignoreChanges?: string[];
    deleteBeforeReplace?: boolean;
    parent?: string;
    provider?: string;
    dependsOn?: string[];
    aliases?: string[];
    customTimeouts?: unknown;
    additionalSecretOutputs?: string[];
  };
  provider?: {
    name: string;
    type: string;
    urn: string;
    properties?: Record<string, unknown>;
    version?: string;
  };
  dependencies?: string[];
  /** Per input property, the resources it depends on (AnalyzeStack's propertyDependencies). */
  propertyDependencies?: Record<string, string[]>;
  /** Final outputs: what the engine sends AnalyzeStack (Analyze gets `properties`, the inputs). */
  outputs?: Record<string, unknown>;
}

export interface PolicyDiagnostic {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  message: string;
  description: string;
  enforcementLevel: EnforcementLevelName;
  urn?: string;
}

interface PolicyPackInfo {
  name: string;
  version: string;
  policies: { name: string; enforcementLevel: string; description: string }[];
}

export interface PolicyPackSession {
  info(): Promise<PolicyPackInfo>;
  analyze(r: EngineResource): Promise<PolicyDiagnostic[]>;
  /** Concurrent Analyze calls, as the engine issues them during a preview. */
  analyzeMany(rs: EngineResource[]): Promise<PolicyDiagnostic[]>;
  analyzeStack(rs: EngineResource[]): Promise<PolicyDiagnostic[]>;
  close(): Promise<void>;
  /** Milliseconds from spawning the pack to its port being printed. */
  readonly startupMs: number;
  /** Log lines the pack sent to the fake engine, and its stderr. */
  readonly logs: string[];
  /** Config remarks the CLI would not fail on (unknown policy names, `level`, unresolved environments). */
  readonly configWarnings: string[];
}

export interface StartPolicyPackOptions {
  packDir: string;
  /**
   * `--policy-pack-config` contents, as JSON text or parsed: { "policy": { enforcementLevel?, ...props }
   * | "level", all?: "level", environments?: string[] }. Parsed, reconciled and validated as the
   * engine does (pkg/resource/analyzer/config.go); an invalid one rejects with PolicyConfigError.
   */
  config?: Record<string, unknown> | string;
  stack?: string;
  project?: string;
  dryRun?: boolean;
  /** How long to wait for the pack to print its port (ts-node type-checks on start). */
  startTimeoutMs?: number;
  /**
   * Resolve @pulumi/pulumi's run-policy-pack (and so ts-node and TypeScript) from the pack's own
   * node_modules, as the CLI does for a pack installed on its own, instead of from this workspace.
   */
  fromPackModules?: boolean;
}

const LEVEL_NAMES: Record<number, EnforcementLevelName> = {
  [analyzerPb.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerPb.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerPb.EnforcementLevel.DISABLED]: "disabled",
  [analyzerPb.EnforcementLevel.REMEDIATE]: "remediate",
};

const LEVEL_VALUES: Record<EnforcementLevelName, analyzerPb.EnforcementLevel> = {
  advisory: analyzerPb.EnforcementLevel.ADVISORY,
  mandatory: analyzerPb.EnforcementLevel.MANDATORY,
  disabled: analyzerPb.EnforcementLevel.DISABLED,
  remediate: analyzerPb.EnforcementLevel.REMEDIATE,
};

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Struct cannot carry undefined (or functions): drop them the way JSON does. */
function toJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === "object") {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined && typeof v !== "function") out[k] = toJson(v);
    }
    return out;
  }
  return null;
}

function toStruct(value: Record<string, unknown>): Struct {
  const json = toJson(value);
  return Struct.fromJavaScript(json !== null && typeof json === "object" && !Array.isArray(json) ? json : {});
}

function buildOptions(resource: EngineResource): analyzerPb.AnalyzerResourceOptions {
  const options = new analyzerPb.AnalyzerResourceOptions();
  const o = resource.options ?? {};
  options.setProtect(o.protect === true);
  options.setIgnorechangesList(o.ignoreChanges ?? []);
  if (o.deleteBeforeReplace !== undefined) {
    options.setDeletebeforereplacedefined(true);
    options.setDeletebeforereplace(o.deleteBeforeReplace);
  }
  options.setAdditionalsecretoutputsList(o.additionalSecretOutputs ?? []);
  options.setAliasesList(o.aliases ?? []);
  if (o.parent) options.setParent(o.parent);
  return options;
}

function buildProvider(resource: EngineResource): analyzerPb.AnalyzerProviderResource | undefined {
  if (!resource.provider) return undefined;
  const provider = new analyzerPb.AnalyzerProviderResource();
  provider.setName(resource.provider.name);
  provider.setType(resource.provider.type);
  provider.setUrn(resource.provider.urn);
  provider.setProperties(toStruct(resource.provider.properties ?? {}));
  return provider;
}

function buildAnalyzeRequest(resource: EngineResource): analyzerPb.AnalyzeRequest {
  const request = new analyzerPb.AnalyzeRequest();
  request.setType(resource.type);
  request.setName(resource.name);
  request.setUrn(resource.urn);
  request.setProperties(toStruct(resource.properties));
  request.setOptions(buildOptions(resource));
  const provider = buildProvider(resource);
  if (provider) request.setProvider(provider);
  return request;
}

function buildStackResource(resource: EngineResource): analyzerPb.AnalyzerResource {
  const r = new analyzerPb.AnalyzerResource();
  r.setType(resource.type);
  r.setName(resource.name);
  r.setUrn(resource.urn);
  // pkg/resource/deploy/step_generator.go AnalyzeResources: "AnalyzeStack is called on the final outputs".
  r.setProperties(toStruct(resource.outputs ?? resource.properties));
  r.setOptions(buildOptions(resource));
  const provider = buildProvider(resource);
  if (provider) r.setProvider(provider);
  if (resource.options?.parent) r.setParent(resource.options.parent);
  r.setDependenciesList(resource.dependencies ?? resource.options?.dependsOn ?? []);
  // pkg/resource/plugin/analyzer_plugin.go AnalyzeStack: properties with no dependencies are skipped.
  const byProperty = r.getPropertydependenciesMap();
  for (const [key, urns] of Object.entries(resource.propertyDependencies ?? {})) {
    if (urns.length === 0) continue;
    const deps = new analyzerPb.AnalyzerPropertyDependencies();
    deps.setUrnsList(urns);
    byProperty.set(key, deps);
  }
  return r;
}

function toDiagnostics(response: analyzerPb.AnalyzeResponse): PolicyDiagnostic[] {
  return response.getDiagnosticsList().map((d) => {
    const diagnostic: PolicyDiagnostic = {
      policyName: d.getPolicyname(),
      policyPackName: d.getPolicypackname(),
      policyPackVersion: d.getPolicypackversion(),
      message: d.getMessage(),
      description: d.getDescription(),
      enforcementLevel: LEVEL_NAMES[d.getEnforcementlevel()] ?? "advisory",
    };
    if (d.getUrn()) diagnostic.urn = d.getUrn();
    return diagnostic;
  });
}

type Callback<Res> = (error: grpc.ServiceError | null, response: Res) => void;

function unary<Res>(call: (callback: Callback<Res>) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    call((error, response) => (error ? reject(error) : resolve(response)));
  });
}

/** A minimal Engine service, so any log call the pack makes has somewhere to go. */
async function startFakeEngine(logs: string[]): Promise<{ address: string; server: grpc.Server }> {
  const server = new grpc.Server();
  const engine: engineGrpc.IEngineServer = {
    log: (call, callback) => {
      logs.push(`[engine log] ${call.request.getMessage()}`);
      callback(null, new Empty());
    },
    getRootResource: (_call, callback) => callback(null, new enginePb.GetRootResourceResponse()),
    setRootResource: (_call, callback) => callback(null, new enginePb.SetRootResourceResponse()),
    startDebugging: (_call, callback) => callback(null, new Empty()),
    requirePulumiVersion: (_call, callback) => callback(null, new enginePb.RequirePulumiVersionResponse()),
  };
  server.addService(engineGrpc.EngineService, engine);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });
  return { address: `127.0.0.1:${port}`, server };
}

/** Spawns the pack as the Node language host does and resolves with the port it prints. */
function spawnPack(
  packDir: string,
  engineAddress: string,
  logs: string[],
  timeoutMs: number,
  fromPackModules = false,
) {
  const entry = "@pulumi/pulumi/cmd/run-policy-pack/index.js";
  const runPolicyPack = path.dirname(
    fromPackModules ? require.resolve(entry, { paths: [packDir] }) : require.resolve(entry),
  );
  const child = spawn(process.execPath, [runPolicyPack, engineAddress, packDir], {
    cwd: packDir,
    env: { ...process.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const started = Date.now();
  const port = new Promise<number>((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(
      () => reject(new Error(`policy pack did not start in ${timeoutMs} ms:\n${logs.join("\n")}`)),
      timeoutMs,
    );
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const line = /^\s*(\d+)\s*$/m.exec(stdout);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => logs.push(chunk.toString("utf8")));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`policy pack could not be spawned: ${error.message}`));
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`policy pack exited with code ${code} before serving:\n${stdout}${logs.join("")}`));
    });
  });
  return { child, port, started };
}

function policyMetadata(policy: analyzerPb.PolicyInfo): PolicyMetadata {
  const schema = policy.getConfigschema();
  return {
    name: policy.getName(),
    enforcementLevel: LEVEL_NAMES[policy.getEnforcementlevel()] ?? "advisory",
    ...(schema
      ? {
          configSchema: {
            properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<
              string,
              Record<string, unknown>
            >,
            required: schema.getRequiredList(),
          },
        }
      : {}),
  };
}

export async function startPolicyPack(opts: StartPolicyPackOptions): Promise<PolicyPackSession> {
  const packDir = path.resolve(opts.packDir);
  if (!existsSync(path.join(packDir, "PulumiPolicy.yaml"))) {
    throw new Error(`${packDir} is not a policy pack (no PulumiPolicy.yaml)`);
  }
  // A config that does not parse stops here, before a process is spawned.
  const parsedConfig = parsePolicyPackConfig(opts.config);
  const logs: string[] = [];
  const engine = await startFakeEngine(logs);
  const spawned = spawnPack(
    packDir,
    engine.address,
    logs,
    opts.startTimeoutMs ?? 60_000,
    opts.fromPackModules === true,
  );
  let child: ChildProcess | undefined = spawned.child;
  const stop = async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    child = undefined;
    engine.server.forceShutdown();
  };
  let port: number;
  try {
    port = await spawned.port;
  } catch (error) {
    await stop();
    throw error;
  }
  const startupMs = Date.now() - spawned.started;
  const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
  });
  const analyzerInfo = await unary<analyzerPb.AnalyzerInfo>((cb) => client.getAnalyzerInfo(new Empty(), cb));

  let reconciled: ReconciledConfig;
  try {
    reconciled = reconcilePolicyPackConfig(analyzerInfo.getPoliciesList().map(policyMetadata), parsedConfig);
    if (reconciled.errors.length > 0) throw new PolicyConfigError(reconciled.errors);
  } catch (error) {
    client.close();
    await stop();
    throw error;
  }
  const configure = new analyzerPb.ConfigureAnalyzerRequest();
  for (const [name, { enforcementLevel, properties }] of reconciled.config) {
    const policyConfig = new analyzerPb.PolicyConfig();
    policyConfig.setEnforcementlevel(LEVEL_VALUES[enforcementLevel]);
    policyConfig.setProperties(toStruct(properties));
    configure.getPolicyconfigMap().set(name, policyConfig);
  }
  await unary<Empty>((cb) => client.configure(configure, cb));
  const stackConfig = new analyzerPb.AnalyzerStackConfigureRequest();
  stackConfig.setStack(opts.stack ?? "test");
  stackConfig.setProject(opts.project ?? "titan");
  stackConfig.setDryRun(opts.dryRun ?? true);
  await unary<analyzerPb.AnalyzerStackConfigureResponse>((cb) => client.configureStack(stackConfig, cb));

  const analyze = async (resource: EngineResource) =>
    toDiagnostics(
      await unary<analyzerPb.AnalyzeResponse>((cb) => client.analyze(buildAnalyzeRequest(resource), cb)),
    );

  return {
    startupMs,
    logs,
    configWarnings: reconciled.warnings,
    info: async () => ({
      name: analyzerInfo.getName(),
      version: analyzerInfo.getVersion(),
      policies: analyzerInfo.getPoliciesList().map((p) => ({
        name: p.getName(),
        enforcementLevel: LEVEL_NAMES[p.getEnforcementlevel()] ?? "advisory",
        description: p.getDescription(),
      })),
    }),
    analyze,
    analyzeMany: async (resources) => (await Promise.all(resources.map(analyze))).flat(),
    analyzeStack: async (resources) => {
      const request = new analyzerPb.AnalyzeStackRequest();
      request.setResourcesList(resources.map(buildStackResource));
      return toDiagnostics(await unary<analyzerPb.AnalyzeResponse>((cb) => client.analyzeStack(request, cb)));
    },
    close: async () => {
      client.close();
      await stop();
    },
  };
}
