import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

/** `data/replace-on-change.json`: per type, the input paths whose change replaces the resource. */
const tableSchema = z.object({
  types: z.record(
    z.string(),
    z.object({
      replaceOn: z.array(z.string()),
      deleteBeforeReplace: z.boolean().optional(),
      installedSdkInputsNotInSource: z.array(z.string()).optional(),
    }),
  ),
});
export type ReplaceTable = z.infer<typeof tableSchema>;

/** The repository's own data, wherever `--dir` points the plan. */
const DATA = join(__dirname, "..", "..", "data", "replace-on-change.json");

export function readReplaceTable(path = DATA): ReplaceTable {
  return tableSchema.parse(JSON.parse(readFileSync(path, "utf8")));
}

/** `envs[3]` → ["envs", "[]"]; `subject.commonName` → ["subject", "commonName"]; `[*]` → "[]". */
function tokens(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split(".")) {
    const m = /^([^[]*)((?:\[[^\]]*\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const _ of m[2]?.match(/\[[^\]]*\]/g) ?? []) out.push("[]");
  }
  return out;
}

/**
 * Whether a change at `changed` falls under the replace path `rule`: one is a prefix of the other
 * (a change inside a force-new block, or a whole block added or removed that holds one), with
 * `[*]` matching any list index and `*` any map key.
 */
export function pathMatches(rule: string, changed: string): boolean {
  const r = tokens(rule);
  const c = tokens(changed);
  const n = Math.min(r.length, c.length);
  for (let i = 0; i < n; i++) if (r[i] !== "*" && r[i] !== c[i]) return false;
  return true;
}

/** The rules of one type, or undefined when the table does not know it. */
export function rulesFor(table: ReplaceTable, type: string) {
  return table.types[type];
}
