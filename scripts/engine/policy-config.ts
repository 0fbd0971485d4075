// Policy pack config as the Pulumi engine reads and checks it (pkg/resource/analyzer/config.go in
// pulumi/pulumi: ReconcilePolicyPackConfig, validatePolicyPackConfig): parse the file, fill each
// policy's level and configSchema defaults, apply `all`, then per-policy config, and refuse what does
// not validate against the policy's schema. Pure: the pack's metadata in, config or errors out.
import Ajv, { type ErrorObject } from "ajv";

export type EnforcementLevelName = "advisory" | "mandatory" | "remediate" | "disabled";
const LEVELS: readonly EnforcementLevelName[] = ["advisory", "mandatory", "remediate", "disabled"];

export function isLevel(value: unknown): value is EnforcementLevelName {
  return typeof value === "string" && (LEVELS as readonly string[]).includes(value);
}

/** A config the CLI would refuse: `pulumi preview` stops before the program runs. */
export class PolicyConfigError extends Error {
  constructor(readonly errors: string[]) {
    super(`invalid policy pack config:\n${errors.map((e) => `  ${e}`).join("\n")}`);
    this.name = "PolicyConfigError";
  }
}

export interface ParsedPolicyConfig {
  enforcementLevel?: EnforcementLevelName;
  properties?: Record<string, unknown>;
}

export interface ParsedPolicyPackConfig {
  policies: Map<string, ParsedPolicyConfig>;
  /** The top-level `environments` list (ESC environments), removed from the policy entries. */
  environments?: string[];
}

/** Go's `%v`/`%T`-ish rendering of a JSON value, for messages. */
function show(value: unknown): string {
  if (value === null || value === undefined) return "<nil>";
  if (Array.isArray(value)) return `[${value.map(show).join(" ")}]`;
  if (typeof value === "object") return "map[]";
  return String(value);
}

function goType(value: unknown): string {
  if (value === null) return "<nil>";
  if (Array.isArray(value)) return "[]interface {}";
  if (typeof value === "object") return "map[string]interface {}";
  if (typeof value === "number") return "float64";
  if (typeof value === "boolean") return "bool";
  return typeof value;
}

function extractLevel(policy: string, props: Record<string, unknown>): EnforcementLevelName | undefined {
  if (!("enforcementLevel" in props)) return undefined;
  const level = props.enforcementLevel;
  delete props.enforcementLevel;
  if (typeof level !== "string")
    throw new PolicyConfigError([
      `parsing enforcement level for "${policy}": ${show(level)} is not a valid enforcement level; must be a string`,
    ]);
  if (!isLevel(level))
    throw new PolicyConfigError([
      `parsing enforcement level for "${policy}": "${level}" is not a valid enforcement level`,
    ]);
  return level;
}

/**
 * Parses `--policy-pack-config` as the engine does: blank text is no config; every top-level key
 * but `environments` is a policy (or `all`) whose value is a level string or an object with an
 * optional `enforcementLevel` beside its settings; anything else is an error.
 */
export function parsePolicyPackConfig(
  input: string | Record<string, unknown> | undefined,
): ParsedPolicyPackConfig {
  const policies = new Map<string, ParsedPolicyConfig>();
  if (input === undefined) return { policies };
  let raw: unknown = input;
  if (typeof input === "string") {
    if (input.trim() === "") return { policies };
    try {
      raw = JSON.parse(input);
    } catch (error) {
      throw new PolicyConfigError([`policy pack config is not JSON: ${(error as Error).message}`]);
    }
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw new PolicyConfigError([`policy pack config must be a JSON object, got ${goType(raw)}`]);
  const config: Record<string, unknown> = structuredClone(raw as Record<string, unknown>);
  let environments: string[] | undefined;
  if ("environments" in config) {
    const envs = config.environments;
    if (!Array.isArray(envs))
      throw new PolicyConfigError([`"environments" must be an array of strings, got ${goType(envs)}`]);
    environments = envs.map((v, i) => {
      if (typeof v !== "string")
        throw new PolicyConfigError([`"environments[${i}]" must be a string, got ${goType(v)}`]);
      return v;
    });
    delete config.environments;
  }
  for (const [name, value] of Object.entries(config)) {
    let entry: ParsedPolicyConfig;
    if (typeof value === "string") {
      if (!isLevel(value))
        throw new PolicyConfigError([
          `parsing enforcement level for "${name}": "${value}" is not a valid enforcement level`,
        ]);
      entry = { enforcementLevel: value };
    } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const props = value as Record<string, unknown>;
      const level = extractLevel(name, props);
      entry = {
        ...(level ? { enforcementLevel: level } : {}),
        ...(Object.keys(props).length > 0 ? { properties: props } : {}),
      };
    } else {
      throw new PolicyConfigError([
        `parsing "${name}": ${show(value)} is not a valid value; must be a string or object`,
      ]);
    }
    // The engine drops entries that set nothing.
    if (entry.enforcementLevel === undefined && entry.properties === undefined) continue;
    policies.set(name, entry);
  }
  return { policies, ...(environments ? { environments } : {}) };
}

/** What the engine learns about a policy from GetAnalyzerInfo. */
export interface PolicyMetadata {
  name: string;
  enforcementLevel: EnforcementLevelName;
  configSchema?: { properties: Record<string, Record<string, unknown>>; required?: string[] };
}

export interface ReconciledConfig {
  config: Map<string, { enforcementLevel: EnforcementLevelName; properties: Record<string, unknown> }>;
  /** `<policy>: <field>: <problem>`, sorted, as the engine reports them; non-empty = refuse. */
  errors: string[];
  warnings: string[];
}

const ajv = new Ajv({ allErrors: true, strict: false });

function fieldOf(error: ErrorObject): string {
  const path = error.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  return path.length > 0 ? path.join(".") : "(root)";
}

/** An ajv error in the words gojsonschema uses for the same keyword (the CLI's validator). */
function describeSchemaError(error: ErrorObject, value: unknown): string {
  const field = fieldOf(error);
  const p = error.params as Record<string, unknown>;
  const jsonType = (v: unknown) =>
    v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v;
  switch (error.keyword) {
    case "required":
      return `${field === "(root)" ? "" : `${field}.`}${String(p.missingProperty)} is required`;
    case "type":
      return `${field}: Invalid type. Expected: ${String(p.type)}, given: ${jsonType(value)}`;
    case "maxLength":
      return `${field}: String length must be less than or equal to ${String(p.limit)}`;
    case "minLength":
      return `${field}: String length must be greater than or equal to ${String(p.limit)}`;
    case "maximum":
      return `${field}: Must be less than or equal to ${String(p.limit)}`;
    case "minimum":
      return `${field}: Must be greater than or equal to ${String(p.limit)}`;
    case "enum":
      return `${field}: ${field} must be one of the following: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "pattern":
      return `${field}: ${field} does not match: ${JSON.stringify(p.pattern)}`;
    default:
      return `${field}: ${error.message ?? error.keyword}`;
  }
}

function valueAt(root: unknown, instancePath: string): unknown {
  let v: unknown = root;
  for (const part of instancePath.split("/").slice(1)) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return v;
}

/**
 * ReconcilePolicyPackConfig: each policy's level and schema defaults, then `all`, then the
 * per-policy entries (levels replace, settings merge over the defaults); then every policy with a
 * schema has its settings validated against `{type: object, properties, required}`.
 */
export function reconcilePolicyPackConfig(
  policies: PolicyMetadata[],
  parsed: ParsedPolicyPackConfig,
): ReconciledConfig {
  const config: ReconciledConfig["config"] = new Map();
  const warnings: string[] = [];
  for (const policy of policies) {
    const properties: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(policy.configSchema?.properties ?? {})) {
      if ("default" in spec) properties[key] = structuredClone(spec.default);
    }
    config.set(policy.name, { enforcementLevel: policy.enforcementLevel, properties });
  }
  const all = parsed.policies.get("all")?.enforcementLevel;
  if (all) for (const entry of config.values()) entry.enforcementLevel = all;
  for (const [name, given] of parsed.policies) {
    const entry = config.get(name);
    if (!entry) {
      // The engine carries unknown names along and the pack ignores them: a typo silently does nothing.
      if (name !== "all")
        warnings.push(`${name}: not a policy of this pack; the CLI ignores it (check the spelling)`);
      continue;
    }
    if (given.enforcementLevel) entry.enforcementLevel = given.enforcementLevel;
    Object.assign(entry.properties, given.properties ?? {});
    if (given.properties && "level" in given.properties)
      warnings.push(
        `${name}: level: deprecated and not an enforcement level (the CLI passes it to the policy as a setting); use "enforcementLevel"`,
      );
  }
  if (parsed.environments && parsed.environments.length > 0)
    warnings.push(
      `environments: ${parsed.environments.join(", ")} not resolved offline (ESC environments need the Pulumi Cloud backend); settings they would supply are not applied`,
    );
  const errors: string[] = [];
  for (const policy of policies) {
    if (!policy.configSchema) continue;
    const schema: Record<string, unknown> = { type: "object" };
    if (Object.keys(policy.configSchema.properties).length > 0)
      schema.properties = policy.configSchema.properties;
    if (policy.configSchema.required && policy.configSchema.required.length > 0)
      schema.required = policy.configSchema.required;
    const properties = config.get(policy.name)?.properties ?? {};
    const validate = ajv.compile(schema);
    if (validate(properties)) continue;
    for (const error of validate.errors ?? [])
      errors.push(`${policy.name}: ${describeSchemaError(error, valueAt(properties, error.instancePath))}`);
  }
  return { config, errors: errors.sort(), warnings };
}
