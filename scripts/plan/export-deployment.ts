import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { isSecretEnvelope, SECRET_SIG_KEY, SECRET_SIG_VALUE, unwrapSecrets } from "../engine/redact";
import type { RegisteredResource } from "../engine/run-program";

/**
 * `npm run plan -- --export FILE`: the planned stack in the shape `pulumi stack export` writes
 * (`{"version": 3, "deployment": {...}}`, apitype DeploymentV3), for
 * `pulumi policy analyze --file FILE --policy-pack policy` where a CLI exists. Only the fields the
 * published schema (schemas/pulumi-deployments.json) allows are written.
 */

/** The id the engine gives a provider that does not exist yet (sdk/go/common/providers). */
export const UNKNOWN_ID = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type PropertyMap = Record<string, unknown>;

export interface ExportedResource {
  urn: string;
  custom: boolean;
  id?: string;
  type: string;
  inputs: PropertyMap;
  outputs: PropertyMap;
  parent?: string;
  protect?: boolean;
  dependencies?: string[];
  provider?: string;
  propertyDependencies?: Record<string, string[]>;
  additionalSecretOutputs?: string[];
}

export interface ExportInput {
  project: string;
  stack: string;
  resources: RegisteredResource[];
  /** The stack's outputs as the plan reports them (secrets already "[secret]"). */
  stackOutputs: Record<string, unknown>;
  fakedSecrets: { key: string; reason: string }[];
  /** Every fake value used, only to prove none is written outside a secret envelope. */
  fakeValues: string[];
  now?: Date;
}

/** A secret as a state file holds it once decrypted: the JSON of the value under `plaintext`. */
const envelope = (value: unknown) => ({
  [SECRET_SIG_KEY]: SECRET_SIG_VALUE,
  plaintext: JSON.stringify(unwrapSecrets(value)),
});

/** Wire envelopes (`{sig, value}`) become state envelopes; everything else is copied. */
function toStateValue(value: unknown): unknown {
  if (isSecretEnvelope(value)) return envelope(value.value);
  if (Array.isArray(value)) return value.map(toStateValue);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toStateValue(v)]));
  return value;
}

function toStateMap(map: PropertyMap, secretKeys: Set<string> = new Set()): PropertyMap {
  return Object.fromEntries(
    Object.entries(map).map(([k, v]) => [
      k,
      secretKeys.has(k) && !isSecretEnvelope(v) ? envelope(v) : toStateValue(v),
    ]),
  );
}

/** The installed SDK of a package (its provider plugin version), from the repository's node_modules. */
const sdkVersion = (pkg: string): string =>
  (JSON.parse(readFileSync(require.resolve(`@pulumi/${pkg}/package.json`), "utf8")) as { version: string })
    .version;

const providerUrnOf = (ref: string) => ref.slice(0, ref.lastIndexOf("::"));

/** Parents, dependencies and providers before the resources that name them, else in plan order. */
function topological(resources: ExportedResource[]): ExportedResource[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const done = new Set<string>();
  const out: ExportedResource[] = [];
  const visit = (r: ExportedResource) => {
    if (done.has(r.urn)) return;
    done.add(r.urn);
    const before = [r.parent, r.provider && providerUrnOf(r.provider), ...(r.dependencies ?? [])];
    for (const urn of before) {
      const dep = urn ? byUrn.get(urn) : undefined;
      if (dep) visit(dep);
    }
    out.push(r);
  };
  for (const r of resources) visit(r);
  return out;
}

export function buildDeployment(input: ExportInput) {
  const { stack, project } = input;
  const stackUrn = `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
  const providerRef = (ref: string) => `${providerUrnOf(ref)}::${UNKNOWN_ID}`;
  const versions = new Map<string, string>();
  const defaultProvider = (pkg: string) => {
    if (!versions.has(pkg)) versions.set(pkg, sdkVersion(pkg));
    const version = versions.get(pkg) ?? "";
    return `urn:pulumi:${stack}::${project}::pulumi:providers:${pkg}::default_${version.replace(/[.-]/g, "_")}`;
  };
  const packageOf = (type: string) =>
    type.startsWith("pulumi:providers:") ? type.split(":")[2] : type.split(":")[0];

  const resources: ExportedResource[] = input.resources.map((r) => {
    const custom = r.custom;
    const isProvider = r.type.startsWith("pulumi:providers:");
    const provider =
      custom && !isProvider
        ? r.options.provider
          ? providerRef(r.options.provider)
          : `${defaultProvider(packageOf(r.type) ?? "")}::${UNKNOWN_ID}`
        : undefined;
    if (isProvider) versions.set(packageOf(r.type) ?? "", sdkVersion(packageOf(r.type) ?? ""));
    const secretOutputs = new Set(r.options.additionalSecretOutputs);
    return {
      urn: r.urn,
      custom,
      // At preview nothing exists yet: no id, except the unknown id a provider reference needs.
      ...(isProvider ? { id: UNKNOWN_ID } : {}),
      type: r.type,
      inputs: toStateMap(r.inputs),
      outputs: toStateMap(r.outputs ?? (custom ? r.inputs : {}), secretOutputs),
      parent: r.options.parent ?? stackUrn,
      ...(r.options.protect ? { protect: true } : {}),
      dependencies: r.dependencies,
      ...(provider ? { provider } : {}),
      propertyDependencies: r.propertyDependencies ?? {},
      ...(secretOutputs.size ? { additionalSecretOutputs: [...secretOutputs] } : {}),
    };
  });
  const defaults: ExportedResource[] = [...versions.entries()]
    .filter(([pkg]) => resources.some((r) => r.provider?.startsWith(`${defaultProvider(pkg)}::`)))
    .map(([pkg, version]) => ({
      urn: defaultProvider(pkg),
      custom: true,
      id: UNKNOWN_ID,
      type: `pulumi:providers:${pkg}`,
      inputs: { version },
      outputs: { version },
    }));
  const stackOutputs = Object.fromEntries(
    Object.entries(input.stackOutputs).map(([k, v]) => [k, v === "[secret]" ? envelope("[secret]") : v]),
  );
  const stackResource: ExportedResource = {
    urn: stackUrn,
    custom: false,
    type: "pulumi:pulumi:Stack",
    inputs: {},
    outputs: stackOutputs,
  };
  const time = (input.now ?? new Date()).toISOString();
  const engineVersion = sdkVersion("pulumi");
  const deployment = {
    version: 3,
    deployment: {
      manifest: {
        time,
        magic: createHash("sha256").update(engineVersion).digest("hex"),
        version: engineVersion,
        plugins: [...versions.entries()].sort().map(([name, version]) => ({
          name,
          path: "",
          type: "resource" as const,
          version,
        })),
      },
      resources: [stackResource, ...defaults, ...topological(resources)],
      metadata: {
        titanOfflinePlan: {
          writtenBy: "npm run plan -- --export (offline preview under Pulumi's mocks; nothing was deployed)",
          secrets:
            'Every secret is a secret envelope with `plaintext`, and every plaintext is an offline fake, never a real value: the stack config keys listed in fakedSecrets, and the outputs of random and tls resources, which the mocks replace with labelled placeholders (text that starts with the words offline and fake, or a PEM block labelled FAKE). Stack outputs that are secret carry the plaintext "[secret]".',
          fakedSecrets: input.fakedSecrets,
          ids: `Resources have no id (preview); providers have the engine's unknown id ${UNKNOWN_ID}.`,
          engineVersion: `manifest.version is the @pulumi/pulumi SDK the plan ran (${engineVersion}), not a CLI.`,
        },
      },
    },
  };
  assertNoPlainFake(deployment, input.fakeValues);
  return deployment;
}

/** Refuses to write a fake (or any offline placeholder) anywhere but inside a secret envelope. */
function assertNoPlainFake(doc: unknown, fakes: string[]) {
  const walk = (v: unknown, path: string) => {
    if (typeof v === "string") {
      const hit =
        fakes.find((f) => f && v.includes(f)) ?? (/offline-fake-/.test(v) ? "offline-fake-" : undefined);
      if (hit) throw new Error(`export: a fake secret would be written in plain text at ${path}`);
      return;
    }
    if (isSecretEnvelope(v) || (v !== null && typeof v === "object" && SECRET_SIG_KEY in v)) return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        walk(x, `${path}[${i}]`);
      });
    } else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    }
  };
  walk(doc, "");
}
