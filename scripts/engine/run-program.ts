import * as pulumi from "@pulumi/pulumi";
import { createOfflineMocks } from "./mocks";

// Internal runtime helpers: present in the JS build, absent from the type declarations.
const settings = require("@pulumi/pulumi/runtime/settings") as {
  getMonitor(): unknown;
  waitForRPCs(): Promise<void>;
};

/** One resource as the engine received it: what a policy pack and a reader of the plan need. */
export interface RegisteredResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  /** Inputs as serialized for the engine: secrets still wrapped in Pulumi's secret signature. */
  inputs: Record<string, unknown>;
  options: {
    protect: boolean;
    ignoreChanges: string[];
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    parent?: string;
    provider?: string;
    dependsOn: string[];
    additionalSecretOutputs: string[];
    /** Input paths whose change replaces the resource (the option, and what an SDK adds to it). */
    replaceOnChanges?: string[];
  };
  /** Every resource this one waits for: explicit dependsOn and input dependencies. */
  dependencies: string[];
  /** Input key → the resources its value came from (what the engine diffs dependents by). */
  propertyDependencies?: Record<string, string[]>;
  /** State as the provider (here the mocks) returned it; secrets still wrapped. */
  outputs?: Record<string, unknown>;
  id?: string;
}

interface ProtoStruct {
  toJavaScript(): Record<string, unknown>;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getParent(): string;
  getProtect(): boolean;
  getIgnorechangesList(): string[];
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void };
  getAdditionalsecretoutputsList(): string[];
  getReplaceonchangesList(): string[];
  getObject(): ProtoStruct | undefined;
}
interface RegisterResponse {
  getUrn(): string;
  getId(): string;
  getObject(): ProtoStruct | undefined;
}
type Callback = (err: unknown, resp: RegisterResponse | undefined) => void;
interface MonitorLike {
  registerResource(req: RegisterRequest, cb: Callback): Promise<void>;
}

function capture(req: RegisterRequest, resp: RegisterResponse): RegisteredResource {
  const inputDeps = new Set<string>();
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((v, key) => {
    const urns = v.getUrnsList();
    for (const urn of urns) inputDeps.add(urn);
    if (urns.length > 0) propertyDependencies[key] = [...urns];
  });
  const replaceOnChanges = req.getReplaceonchangesList();
  const dependsOn = req.getDependenciesList();
  const parent = req.getParent();
  const provider = req.getProvider();
  return {
    urn: resp.getUrn(),
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    inputs: req.getObject()?.toJavaScript() ?? {},
    options: {
      protect: Boolean(req.getProtect()),
      ignoreChanges: req.getIgnorechangesList(),
      retainOnDelete: Boolean(req.getRetainondelete()),
      deleteBeforeReplace: Boolean(req.getDeletebeforereplace()),
      ...(parent ? { parent } : {}),
      ...(provider ? { provider } : {}),
      dependsOn,
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      ...(replaceOnChanges.length ? { replaceOnChanges } : {}),
    },
    dependencies: [...new Set([...dependsOn, ...inputDeps])],
    propertyDependencies,
    outputs: resp.getObject()?.toJavaScript() ?? {},
    ...(resp.getId() ? { id: resp.getId() } : {}),
  };
}

export interface OfflineRunInput<T> {
  project: string;
  stack: string;
  /** Full keys (`titan:region`) to text values, as the engine hands them to a program. */
  config: Record<string, string>;
  secretKeys: string[];
  vpcCidr: string;
  program: () => T;
}

export interface OfflineRunResult<T> {
  resources: RegisteredResource[];
  outputs: T;
}

/**
 * Runs a Pulumi program under Pulumi's own mocks and records every resource registration the
 * engine would receive, with its options (protect, ignoreChanges, parent, provider, dependencies).
 */
export async function runProgramOffline<T>(input: OfflineRunInput<T>): Promise<OfflineRunResult<unknown>> {
  // preview=false: the mocks supply every output, so applies run and the whole graph registers.
  await pulumi.runtime.setMocks(createOfflineMocks(input.vpcCidr), input.project, input.stack, false);
  pulumi.runtime.setAllConfig(input.config, input.secretKeys);
  const monitor = settings.getMonitor() as MonitorLike;
  const original = monitor.registerResource.bind(monitor);
  const resources: RegisteredResource[] = [];
  monitor.registerResource = (req, cb) =>
    original(req, (err, resp) => {
      if (!err && resp) resources.push(capture(req, resp));
      cb(err, resp);
    });
  const outputs = input.program();
  const resolved = await new Promise<unknown>((resolve) => {
    const all = pulumi.output(outputs as pulumi.Input<Record<string, unknown>>) as pulumi.Output<unknown>;
    all.apply((value: unknown) => {
      resolve(value);
      return value;
    });
  });
  await settings.waitForRPCs();
  return { resources, outputs: resolved };
}
