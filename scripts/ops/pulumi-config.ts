import { z } from "zod";
import {
  OPTIONAL_SECRET_KEYS as CONFIG_OPTIONAL,
  REQUIRED_SECRET_KEYS as CONFIG_REQUIRED,
} from "../../infra/config/keys";
import { operatorSecretsRequiredByServices } from "../../infra/model/secret-scope";
import { CONTAINER_NAMES } from "../../infra/model/services";

/** One entry of `pulumi config --json` (secret values are absent without --show-secrets). */
const configEntrySchema = z.object({
  value: z.string().optional(),
  objectValue: z.unknown().optional(),
  secret: z.boolean().default(false),
});

const pulumiConfigSchema = z.record(z.string(), configEntrySchema);
export type PulumiConfig = z.infer<typeof pulumiConfigSchema>;

const titanKey = (k: string) => `titan:${k}`;
/** Optional config keys that a service always deployed reads at start (scavenger's read-only keys). */
const BY_SERVICES = operatorSecretsRequiredByServices(CONTAINER_NAMES).filter(
  (k) => !(CONFIG_REQUIRED as readonly string[]).includes(k),
);

/** Secrets `pulumi up` cannot run without (fail closed on a missing required secret). */
export const REQUIRED_SECRET_KEYS: readonly string[] = [
  ...[...CONFIG_REQUIRED, ...BY_SERVICES].map(titanKey),
  "digitalocean:token",
];

/** Secrets that may be absent, but when present must be stored as secrets. */
export const OPTIONAL_SECRET_KEYS: readonly string[] = CONFIG_OPTIONAL.filter(
  (k) => !(BY_SERVICES as readonly string[]).includes(k),
).map(titanKey);

export function parsePulumiConfig(json: string): PulumiConfig {
  return pulumiConfigSchema.parse(JSON.parse(json));
}

/** A structured value (array/object) from objectValue, or from the JSON text in value. */
function structuredValue(config: PulumiConfig, key: string): unknown {
  const entry = config[key];
  if (entry === undefined) return undefined;
  if (entry.objectValue !== undefined) return entry.objectValue;
  if (entry.value === undefined) return undefined;
  try {
    return JSON.parse(entry.value);
  } catch {
    return entry.value;
  }
}

export function stringList(config: PulumiConfig, key: string): string[] | undefined {
  const value = structuredValue(config, key);
  const parsed = z.array(z.string()).safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function booleanValue(config: PulumiConfig, key: string): boolean {
  const value = structuredValue(config, key);
  return value === true || value === "true";
}
