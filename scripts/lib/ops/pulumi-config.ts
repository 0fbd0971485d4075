import { z } from "zod";

/** One entry of `pulumi config --json` (secret values are absent without --show-secrets). */
const configEntrySchema = z.object({
  value: z.string().optional(),
  objectValue: z.unknown().optional(),
  secret: z.boolean().default(false),
});

const pulumiConfigSchema = z.record(z.string(), configEntrySchema);
export type PulumiConfig = z.infer<typeof pulumiConfigSchema>;

/** Secrets `pulumi up` cannot run without (issue: fail closed on a missing required secret). */
export const REQUIRED_SECRET_KEYS = [
  "titan:bybitApiKey",
  "titan:bybitSecretKey",
  "titan:masterPassword",
  "digitalocean:token",
] as const;

/** Secrets that may be absent, but when present must be stored as secrets. */
export const OPTIONAL_SECRET_KEYS = [
  "titan:binanceApiKey",
  "titan:binanceSecretKey",
  "titan:geminiApiKey",
] as const;

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
