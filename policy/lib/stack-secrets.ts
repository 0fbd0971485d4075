// The secret values a stack holds, read from the resources as the engine presents them (the policy
// SDK unwraps Pulumi secrets, so values arrive in plain text; unknown ones at preview cannot be
// compared and are recorded instead). Used to find a secret by its value wherever it lands, whatever
// name it travels under.
import type { PolicyResource } from "@pulumi/policy";
import { CONTAINER_TYPE } from "./docker";
import { DOCKER_PROVIDER_TYPE, registryAuthSecrets } from "./docker-auth";
import { type FoundText, knownTexts, readKnown, type UnknownValueError } from "./known";
import { asText } from "./props";

/**
 * Values shorter than this are ignored: ports, flags, user names and `true` coincide with ordinary
 * configuration by chance and would refuse safe stacks, while every secret this stack holds is
 * longer (generated passwords are 24+ characters, exchange API keys 18+).
 */
export const MIN_SECRET_LENGTH = 12;

export interface EnvEntry {
  readonly name: string;
  readonly value: string;
  readonly path: string;
}

/** A container's `NAME=value` envs, the unknown ones recorded (their names cannot be read either). */
export function knownEnvs(container: PolicyResource, unknowns: UnknownValueError[]): EnvEntry[] {
  const entries = readKnown(() => container.props.envs, unknowns);
  return knownTexts(entries, unknowns, "envs")
    .filter((t) => /^envs\.\d+$/.test(t.path))
    .map((t) => {
      const eq = t.text.indexOf("=");
      return eq < 0
        ? { name: t.text.trim(), value: "", path: t.path }
        : { name: t.text.slice(0, eq).trim(), value: t.text.slice(eq + 1).trim(), path: t.path };
    });
}

export function containerNameOf(container: PolicyResource, unknowns: UnknownValueError[]): string {
  return readKnown(() => asText(container.props.name), unknowns) || container.name;
}

/** Where in a container a text was found, in the words an operator uses (never the value). */
export function describePlace(found: FoundText, all: readonly FoundText[]): string {
  const [head, index] = found.path.split(".");
  const sibling = (key: string) => all.find((t) => t.path === `${head}.${index}.${key}`)?.text;
  if (head === "envs") return `env ${found.text.split("=")[0]?.trim() ?? "?"}`;
  if (head === "labels") return `label ${sibling("label") ?? "?"}`;
  if (head === "uploads") return `upload ${sibling("file") ?? "?"}`;
  if (head === "command" || head === "entrypoints") return head === "command" ? "command" : "entrypoint";
  if (head === "healthcheck") return "healthcheck";
  return `property ${found.path}`;
}

export interface StackSecret {
  /** The secret itself, or a fragment of it (a PEM body line); never printed. */
  readonly value: string;
  /** `container 'titan-execution' env BYBIT_SECRET_KEY`, `RandomPassword 'secrets-hmac' result`. */
  readonly holder: string;
  readonly holderUrn: string;
}

const SECRET_NAME = /PASS|SECRET|TOKEN|KEY|CREDENTIAL/i;
/**
 * A file path (`*_KEY_FILE=/run/secrets/x`) names where a secret is, not the secret. Only a path
 * under a directory such files live in counts: a secret that merely starts with "/" (one base64
 * text in 64 does, and operators choose some) is still compared by value.
 */
const FILE_PATH =
  /^\/(?:run|etc|var|opt|srv|app|data|certs|secrets|tmp|home|usr|mnt)\/[\w.@+-]+(?:\/[\w.@+-]+)*$/;

/** Each PEM body line (64 base64 characters): the key is found even re-indented or re-wrapped. */
function pemFragments(pem: string): string[] {
  return pem
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("-----"))
    .filter((l) => l.length >= 40);
}

const OUTPUT_SECRETS: Record<string, { kind: string; fields: string[]; pem?: boolean }> = {
  "random:index/randomPassword:RandomPassword": { kind: "RandomPassword", fields: ["result"] },
  "random:index/randomBytes:RandomBytes": { kind: "RandomBytes", fields: ["base64", "hex"] },
  "tls:index/privateKey:PrivateKey": {
    kind: "PrivateKey",
    // biome-ignore lint/security/noSecrets: property names of tls.PrivateKey, not secrets
    fields: ["privateKeyPem", "privateKeyOpenssh", "privateKeyPemPkcs8"],
    pem: true,
  },
  "digitalocean:index/spacesKey:SpacesKey": { kind: "SpacesKey", fields: ["secretKey"] },
};

/**
 * Every secret value of the stack: container env values of secret-named variables, generated
 * passwords and bytes, private keys, Spaces secret keys and Docker registry credentials.
 */
export function stackSecrets(
  resources: readonly PolicyResource[],
  secretNames: readonly string[],
  unknowns: UnknownValueError[],
  minLength = MIN_SECRET_LENGTH,
): StackSecret[] {
  const out: StackSecret[] = [];
  const add = (value: string, holder: string, urn: string) => {
    if (value.length >= minLength) out.push({ value, holder, holderUrn: urn });
  };
  for (const r of resources) {
    if (r.type === CONTAINER_TYPE) {
      const name = containerNameOf(r, unknowns);
      for (const env of knownEnvs(r, unknowns))
        if ((secretNames.includes(env.name) || SECRET_NAME.test(env.name)) && !FILE_PATH.test(env.value))
          add(env.value, `container '${name}' env ${env.name}`, r.urn);
      continue;
    }
    if (r.type === DOCKER_PROVIDER_TYPE) {
      const props = readKnown(() => ({ registryAuth: r.props.registryAuth }), unknowns) ?? {};
      for (const value of registryAuthSecrets(props))
        add(value, `Docker provider '${r.name}' registryAuth`, r.urn);
      continue;
    }
    const spec = OUTPUT_SECRETS[r.type];
    if (!spec) continue;
    for (const field of spec.fields) {
      const value = readKnown(() => asText(r.props[field]), unknowns);
      if (value === undefined || value === "") continue;
      for (const v of spec.pem ? pemFragments(value) : [value])
        add(v, `${spec.kind} '${r.name}' ${field}`, r.urn);
    }
  }
  return out;
}
