import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * The part of a `npm run plan -- --json` document that `--against` compares. Older documents
 * (before propertyDependencies, secretDigests and replaceOnChanges were written) still parse: those are
 * optional, and every other field is kept as it is.
 */
const resourceSchema = z.looseObject({
  urn: z.string().startsWith("urn:pulumi:"),
  type: z.string().min(1),
  name: z.string().min(1),
  custom: z.boolean(),
  inputs: z.record(z.string(), z.unknown()),
  options: z.looseObject({
    deleteBeforeReplace: z.boolean(),
    provider: z.string().optional(),
    replaceOnChanges: z.array(z.string()).optional(),
  }),
  dependencies: z.array(z.string()),
  propertyDependencies: z.record(z.string(), z.array(z.string())).optional(),
  secretDigests: z.record(z.string(), z.string()).optional(),
});

const documentSchema = z.looseObject({
  stack: z.string().min(1),
  project: z.string().min(1),
  resources: z.array(resourceSchema),
});

export type PlannedResource = z.infer<typeof resourceSchema>;
export type PlanDocument = z.infer<typeof documentSchema>;

/** A file given to `--against` that is not a plan document: the plan exits 2 with this message. */
export class PlanDocumentError extends Error {}

/** Validates a parsed `--json` document; `label` names it in every message. */
export function parsePlanDocument(value: unknown, label: string): PlanDocument {
  const parsed = documentSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "(document)";
    throw new PlanDocumentError(
      `${label}: not the output of \`npm run plan -- --json\`: ${where}: ${issue?.message ?? "invalid"}`,
    );
  }
  const seen = new Set<string>();
  for (const r of parsed.data.resources) {
    if (seen.has(r.urn)) throw new PlanDocumentError(`${label}: resource ${r.urn} appears twice`);
    seen.add(r.urn);
  }
  return parsed.data;
}

export function readPlanDocument(path: string): PlanDocument {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new PlanDocumentError(`${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PlanDocumentError(`${path}: not JSON (${(err as Error).message})`);
  }
  return parsePlanDocument(value, path);
}
