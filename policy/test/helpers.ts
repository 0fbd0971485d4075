// Runs a policy the way the pack server would, without a process: builds the args object the
// server builds (props, opts, getConfig) and collects reported violations.
import type {
  Policy,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

export interface TestResource {
  type: string;
  name?: string;
  urn?: string;
  props: Record<string, unknown>;
  opts?: Partial<PolicyResourceOptions>;
  /** URNs, resolved to the stack's resources as the pack server does (unknown URNs dropped). */
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
}

const notApplicable = (reason?: string): never => {
  throw new Error(`not applicable: ${reason ?? ""}`);
};

function options(opts: Partial<PolicyResourceOptions> | undefined): PolicyResourceOptions {
  return {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    additionalSecretOutputs: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    ...opts,
  };
}

function urnOf(resource: TestResource): string {
  const name = resource.name ?? "res";
  return resource.urn ?? `urn:pulumi:test::titan::${resource.type}::${name}`;
}

export async function runResourcePolicy(
  policy: Policy,
  resource: TestResource,
  config: Record<string, unknown> = {},
): Promise<string[]> {
  const validate = (policy as ResourceValidationPolicy).validateResource;
  // Policies that look across containers (config carried in shared volumes) judge one resource as a stack of one.
  if (!validate && (policy as StackValidationPolicy).validateStack)
    return runStackPolicy(policy, [resource], config);
  if (!validate) throw new Error(`${policy.name} is not a resource policy`);
  const violations: string[] = [];
  const args: ResourceValidationArgs = {
    type: resource.type,
    name: resource.name ?? "res",
    urn: urnOf(resource),
    props: resource.props,
    opts: options(resource.opts),
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
  for (const validation of Array.isArray(validate) ? validate : [validate]) {
    await validation(args, (message) => violations.push(message));
  }
  return violations;
}

export async function runStackPolicy(
  policy: Policy,
  resources: TestResource[],
  config: Record<string, unknown> = {},
): Promise<string[]> {
  const validate = (policy as StackValidationPolicy).validateStack;
  if (!validate) throw new Error(`${policy.name} is not a stack policy`);
  const violations: string[] = [];
  const policyResources: PolicyResource[] = resources.map((r) => ({
    type: r.type,
    name: r.name ?? "res",
    urn: urnOf(r),
    props: r.props,
    opts: options(r.opts),
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  }));
  const byUrn = new Map(policyResources.map((r) => [r.urn, r]));
  const resolve = (urns: string[] | undefined) =>
    (urns ?? []).map((u) => byUrn.get(u)).filter((r): r is PolicyResource => r !== undefined);
  resources.forEach((r, i) => {
    const target = policyResources[i] as PolicyResource;
    target.dependencies = resolve(r.dependencies);
    for (const [key, urns] of Object.entries(r.propertyDependencies ?? {}))
      target.propertyDependencies[key] = resolve(urns);
  });
  const args: StackValidationArgs = {
    resources: policyResources,
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
  await validate(args, (message) => violations.push(message));
  return violations;
}
