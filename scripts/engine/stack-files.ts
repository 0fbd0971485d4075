import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export interface ProjectConfigDecl {
  type?: string;
  secret?: boolean;
  default?: unknown;
  description?: string;
}

/** What `pulumi up` would hand the program for one stack, read from the repository's files. */
export interface StackFiles {
  project: string;
  stack: string;
  /** Full key → text value, exactly as the engine passes config (objects and lists as JSON). */
  values: Record<string, string>;
  /** Keys whose value the stack file holds encrypted (`secure:`): present, but unreadable here. */
  encryptedKeys: string[];
  /** Keys the project declares as secret. */
  declaredSecretKeys: string[];
  declarations: Record<string, ProjectConfigDecl>;
}

export class StackFileError extends Error {}

const asText = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

function readYaml(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new StackFileError(`${path} not found`);
  }
  const doc: unknown = parse(text);
  if (doc === null || typeof doc !== "object") throw new StackFileError(`${path} is not a YAML mapping`);
  return doc as Record<string, unknown>;
}

export function readStackFiles(dir: string, stack: string): StackFiles {
  const project = readYaml(join(dir, "Pulumi.yaml"));
  const name = String(project.name ?? "");
  const declarations = (project.config ?? {}) as Record<string, ProjectConfigDecl>;
  const stackDoc = readYaml(join(dir, `Pulumi.${stack}.yaml`));
  const stackConfig = (stackDoc.config ?? {}) as Record<string, unknown>;

  const values: Record<string, string> = {};
  const encryptedKeys: string[] = [];
  // Project defaults first, as the engine applies them, then the stack's own values.
  for (const [key, decl] of Object.entries(declarations)) {
    if (decl && typeof decl === "object" && "default" in decl && decl.default !== undefined) {
      values[key] = asText(decl.default);
    }
  }
  for (const [key, value] of Object.entries(stackConfig)) {
    if (value !== null && typeof value === "object" && "secure" in (value as Record<string, unknown>)) {
      encryptedKeys.push(key);
      delete values[key];
      continue;
    }
    values[key] = asText(value);
  }
  const declaredSecretKeys = Object.entries(declarations)
    .filter(([, d]) => d && typeof d === "object" && d.secret === true)
    .map(([k]) => k);
  return { project: name, stack, values, encryptedKeys, declaredSecretKeys, declarations };
}
