import type { z } from "zod";
import { ConfigError, type ConfigProblem, fullKey } from "./errors";
import { fixFor } from "./fixes";
import {
  ALL_KEYS,
  BENCH_STACK_PREFIX,
  BOOLEAN_KEYS,
  NUMBER_KEYS,
  type PlainKey,
  REQUIRED_SECRET_KEYS,
  SECRET_KEYS,
  STRUCTURED_KEYS,
} from "./keys";
import { type TitanConfig, TitanConfigSchema } from "./schema";

/** Stack config as Pulumi hands it to a program: text values (bare keys, no namespace) and which are secret. */
export interface RawStackConfig {
  values: Record<string, string>;
  secretKeys: ReadonlySet<string>;
}

const isSecretKey = (key: string) => (SECRET_KEYS as readonly string[]).includes(key);

function showValue(key: string, value: unknown): string {
  if (value === undefined) return "(missing)";
  if (isSecretKey(key)) return "[secret]";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function decode(key: PlainKey, text: string): unknown {
  if (STRUCTURED_KEYS.includes(key)) return JSON.parse(text);
  if (BOOLEAN_KEYS.includes(key)) {
    if (text === "true") return true;
    if (text === "false") return false;
    return text;
  }
  if (NUMBER_KEYS.includes(key)) return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  return text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const step of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[step];
  }
  return node;
}

function keyWithPath(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path;
  return (
    fullKey(String(head)) + rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")
  );
}

function problemsFromZod(error: z.ZodError, input: Record<string, unknown>): ConfigProblem[] {
  return error.issues.map((issue) => {
    const top = String(issue.path[0] ?? "");
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys.join(", ");
      const scope = issue.path.length === 0 ? "titan" : keyWithPath(issue.path);
      return {
        key: scope,
        problem: `unknown key(s) ${keys}`,
        value: keys,
        fix: `check the spelling against Pulumi.yaml`,
      };
    }
    const value = valueAt(input, issue.path);
    const problem = value === undefined && issue.code === "invalid_type" ? "is required" : issue.message;
    return { key: keyWithPath(issue.path), problem, value: showValue(top, value), fix: fixFor(top) };
  });
}

/**
 * Validates raw stack config. Pure: the same input always gives the same config or the same
 * ConfigError, which names every bad key, its value (secrets hidden) and the fix.
 */
export function parseStackConfig(raw: RawStackConfig): TitanConfig {
  const problems: ConfigProblem[] = [];
  const input: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(raw.values)) {
    if (!ALL_KEYS.includes(key)) {
      problems.push({
        key: fullKey(key),
        problem: "is not a Titan config key",
        value: showValue(key, text),
        fix: fixFor(key),
      });
      continue;
    }
    if (isSecretKey(key)) {
      if (!raw.secretKeys.has(key) && text !== "") {
        problems.push({
          key: fullKey(key),
          problem: "is stored in plain text in the stack file",
          value: "[secret]",
          fix: `pulumi config rm titan:${key} && ${fixFor(key)}`,
        });
        continue;
      }
      // An optional secret left empty means "not configured".
      // A required one left empty is passed on, so the schema reports it as empty.
      if (text !== "" || (REQUIRED_SECRET_KEYS as readonly string[]).includes(key)) input[key] = text;
      continue;
    }
    try {
      input[key] = decode(key as PlainKey, text);
    } catch {
      problems.push({
        key: fullKey(key),
        problem: "is not valid JSON",
        value: showValue(key, text),
        fix: fixFor(key),
      });
    }
  }
  const result = TitanConfigSchema.safeParse(input);
  if (result.success && problems.length === 0) return result.data;
  // A key already reported (plain-text secret, bad JSON) is not reported again as missing.
  const reported = new Set(problems.map((p) => p.key));
  const more = result.success ? [] : problemsFromZod(result.error, input).filter((p) => !reported.has(p.key));
  throw new ConfigError([...problems, ...more]);
}

/**
 * Many copies of the topology are for the benchmark's synthetic stacks only, so a prod stack can
 * never deploy 50 of them: above 1, the stack's name must start with `bench`. The entry calls this
 * before registering any resource.
 */
export function assertBenchReplicasAllowed(replicas: number, stack: string): void {
  if (replicas <= 1 || stack.startsWith(BENCH_STACK_PREFIX)) return;
  throw new ConfigError([
    {
      key: fullKey("benchReplicas"),
      problem: `is above 1 on stack '${stack}'; only a stack whose name starts with '${BENCH_STACK_PREFIX}' may compose several copies`,
      value: String(replicas),
      fix: fixFor("benchReplicas"),
    },
  ]);
}

/**
 * The prod stack must say who is told when a droplet, the console or a backup is in trouble. The
 * entry calls this before registering any resource.
 */
export function assertAlertsConfigured(emails: readonly string[], stack: string): void {
  if (stack !== "prod" || emails.length > 0) return;
  throw new ConfigError([
    {
      key: fullKey("alertEmails"),
      problem:
        "is required on the prod stack: alerts (droplets, console uptime, backup failures) need a recipient",
      value: "(missing)",
      fix: fixFor("alertEmails"),
    },
  ]);
}
