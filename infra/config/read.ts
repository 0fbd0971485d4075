import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./errors";
import { CONFIG_NAMESPACE } from "./keys";
import { parseStackConfig, type RawStackConfig } from "./parse";
import { type ProviderCredentialSources, spacesCredentialProblems } from "./provider-credentials";
import type { TitanConfig } from "./schema";

// `isConfigSecret` is exported by the runtime but left out of its type declarations.
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/** Reads every `<namespace>:*` key the engine passed to this program, with its secret flag. */
function readNamespace(namespace: string, stripPrefix: boolean): RawStackConfig {
  const prefix = `${namespace}:`;
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = stripPrefix ? fullKey.slice(prefix.length) : fullKey;
    values[key] = value;
    if (runtimeConfig.isConfigSecret(fullKey)) secretKeys.add(key);
  }
  return { values, secretKeys };
}

/** Reads every `titan:*` key the engine passed to this program, with its secret flag. */
function readRawStackConfig(): RawStackConfig {
  return readNamespace(CONFIG_NAMESPACE, true);
}

/** Where the DigitalOcean provider will find its Spaces credentials: its config, else the environment. */
function readProviderCredentialSources(): ProviderCredentialSources {
  return { ...readNamespace("digitalocean", false), env: process.env };
}

/**
 * The one place the program reads config: validated, or a ConfigError before any resource exists.
 * Every problem is reported at once: the Titan keys' and the provider credentials' the stack needs.
 */
export function readStackConfig(): TitanConfig {
  const providerProblems = spacesCredentialProblems(readProviderCredentialSources());
  let cfg: TitanConfig;
  try {
    cfg = parseStackConfig(readRawStackConfig());
  } catch (err) {
    if (err instanceof ConfigError && providerProblems.length > 0) {
      throw new ConfigError([...err.problems, ...providerProblems]);
    }
    throw err;
  }
  if (providerProblems.length > 0) throw new ConfigError(providerProblems);
  return cfg;
}
