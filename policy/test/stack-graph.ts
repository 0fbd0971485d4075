// Builds the stack a stack policy receives from engine-shaped resources, as @pulumi/policy's server
// does for AnalyzeStack: final outputs as props, the provider with its inputs, and dependencies,
// propertyDependencies and parent resolved from URNs to the resource objects (unknown URNs dropped).

import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import * as proxy from "@pulumi/policy/proxy";
import type { EngineResource } from "../../scripts/engine/policy-engine";
import { isUnknownValueError } from "../lib/known";

// The SDK's declarations for these are stripped; the server wraps every bag in this proxy (its own
// module, as in known.ts: the SDK's index would load @pulumi/pulumi in every test worker).
const { unknownCheckingProxy } = proxy as unknown as { unknownCheckingProxy: <T>(value: T) => T };

/** How the engine marshals an unknown string at preview (sdk/go/common/resource/plugin/rpc.go). */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function policyStack(resources: readonly EngineResource[]): PolicyResource[] {
  const built = resources.map((r) => {
    const resource: PolicyResource = {
      type: r.type,
      name: r.name,
      urn: r.urn,
      props: unknownCheckingProxy(r.outputs ?? r.properties),
      opts: {
        protect: r.options?.protect === true,
        ignoreChanges: r.options?.ignoreChanges ?? [],
        aliases: [],
        additionalSecretOutputs: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      },
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
    if (r.provider)
      resource.provider = {
        type: r.provider.type,
        name: r.provider.name,
        urn: r.provider.urn,
        props: unknownCheckingProxy(r.provider.properties ?? {}),
      };
    return { r, resource };
  });
  const byUrn = new Map(built.map((b) => [b.resource.urn, b.resource]));
  const lookup = (urns: readonly string[]) =>
    urns.map((u) => byUrn.get(u)).filter((x): x is PolicyResource => x !== undefined);
  for (const { r, resource } of built) {
    const parent = r.options?.parent ? byUrn.get(r.options.parent) : undefined;
    if (parent) resource.parent = parent;
    resource.dependencies = lookup(r.dependencies ?? r.options?.dependsOn ?? []);
    for (const [key, urns] of Object.entries(r.propertyDependencies ?? {}))
      if (urns.length > 0) resource.propertyDependencies[key] = lookup(urns);
  }
  return built.map((b) => b.resource);
}

/** Runs a stack policy over engine-shaped resources; collects messages (and URNs) it reports. */
export async function judgeStack(
  policy: StackValidationPolicy,
  resources: readonly EngineResource[],
  config: Record<string, unknown> = {},
): Promise<{ message: string; urn: string | undefined }[]> {
  const out: { message: string; urn: string | undefined }[] = [];
  await policy.validateStack(
    {
      resources: policyStack(resources),
      stackTags: new Map(),
      getConfig: <T extends object>() => config as T,
      notApplicable: (reason?: string): never => {
        throw new Error(`not applicable: ${reason ?? ""}`);
      },
    },
    (message, urn) => out.push({ message, urn }),
  );
  return out;
}

/**
 * As at preview: the messages reported, and the message of the unknown-value error the policy ends
 * with (the SDK turns it into an advisory "can't run ... during preview"), if it does.
 */
export async function judgeStackAtPreview(
  policy: StackValidationPolicy,
  resources: readonly EngineResource[],
  config: Record<string, unknown> = {},
): Promise<{ messages: string[]; unknown: string | undefined }> {
  const messages: string[] = [];
  try {
    await policy.validateStack(
      {
        resources: policyStack(resources),
        stackTags: new Map(),
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
          throw new Error(`not applicable: ${reason ?? ""}`);
        },
      },
      (message) => messages.push(message),
    );
  } catch (error) {
    if (!isUnknownValueError(error)) throw error;
    return { messages, unknown: error.message };
  }
  return { messages, unknown: undefined };
}
