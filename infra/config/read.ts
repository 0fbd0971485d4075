import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "./keys";
import { parseStackConfig, type RawStackConfig } from "./parse";
import type { TitanConfig } from "./schema";

// `isConfigSecret` is exported by the runtime but left out of its type declarations.
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/** Reads every `titan:*` key the engine passed to this program, with its secret flag. */
export function readRawStackConfig(): RawStackConfig {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    values[key] = value;
    if (runtimeConfig.isConfigSecret(fullKey)) secretKeys.add(key);
  }
  return { values, secretKeys };
}

/** The one place the program reads config: validated, or a ConfigError before any resource exists. */
export function readStackConfig(): TitanConfig {
  return parseStackConfig(readRawStackConfig());
}
