import { isDeepStrictEqual } from "node:util";
import type { PlannedResource } from "./plan-document";
import { pathMatches, type ReplaceTable, rulesFor } from "./replace-rules";

export type ChangeOp = "create" | "update" | "replace" | "delete";

export interface InputDiff {
  path: string;
  old: unknown;
  new: unknown;
}

export interface ResourceChange {
  urn: string;
  type: string;
  name: string;
  op: ChangeOp;
  /** Top-level input keys that differ, as `pulumi preview` prints them after `[diff: ~`. */
  changedKeys: string[];
  diffs: InputDiff[];
  /** Why a replace: the input paths (or `provider`, or `dependent of NAME`) that force it. */
  replaceReasons: string[];
  deleteBeforeReplace: boolean;
  /** The type is not in data/replace-on-change.json, or a changed input is newer than its source. */
  ruleUnknown: string[];
}

export interface PlanDiff {
  changes: ResourceChange[];
  unchanged: number;
  /** Replaced resources in waves: a wave waits for the one before it; inside a wave, in parallel. */
  replaceWaves: string[][];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Leaf-level differences between two input values; paths as `a.b[2].c`. */
export function inputDiffs(a: unknown, b: unknown, path = ""): InputDiff[] {
  if (isDeepStrictEqual(a, b)) return [];
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => inputDiffs(a[k], b[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: InputDiff[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++)
      out.push(...inputDiffs(a[i], b[i], `${path}[${i}]`));
    return out;
  }
  return [{ path, old: a, new: b }];
}

const providerUrn = (ref: string | undefined) => (ref ? ref.slice(0, ref.lastIndexOf("::")) : "");
const topKey = (path: string) => path.split(/[.[]/)[0] ?? path;

const bare = (r: PlannedResource, op: ChangeOp): ResourceChange => ({
  urn: r.urn,
  type: r.type,
  name: r.name,
  op,
  changedKeys: [],
  diffs: [],
  replaceReasons: [],
  deleteBeforeReplace: false,
  ruleUnknown: [],
});

/** Secrets read "[secret]" on both sides; their digests tell whether the value behind changed. */
function secretChanges(old: PlannedResource, next: PlannedResource, seen: Set<string>): InputDiff[] {
  const a = old.secretDigests;
  const b = next.secretDigests;
  if (!a || !b) return [];
  return Object.keys(b)
    .filter((path) => a[path] !== undefined && a[path] !== b[path] && !seen.has(path))
    .map((path) => ({ path, old: "[secret]", new: "[secret]" }));
}

/** The change from `old` to `next`, or undefined when nothing differs. */
function classify(
  old: PlannedResource,
  next: PlannedResource,
  table: ReplaceTable,
): ResourceChange | undefined {
  const plain = inputDiffs(old.inputs, next.inputs);
  const diffs = [...plain, ...secretChanges(old, next, new Set(plain.map((d) => d.path)))];
  const rules = rulesFor(table, next.type);
  const replaceOn = [...(rules?.replaceOn ?? []), ...(next.options.replaceOnChanges ?? [])];
  const reasons = new Set<string>();
  for (const d of diffs) if (replaceOn.some((rule) => pathMatches(rule, d.path))) reasons.add(topKey(d.path));
  // The engine replaces a resource whose provider reference moves to another provider.
  if (providerUrn(old.options.provider) !== providerUrn(next.options.provider)) reasons.add("provider");
  const ruleUnknown: string[] = [];
  if (next.custom && !rules && diffs.length > 0)
    ruleUnknown.push(`${next.type} is not in data/replace-on-change.json`);
  for (const key of rules?.installedSdkInputsNotInSource ?? [])
    if (diffs.some((d) => topKey(d.path) === key))
      ruleUnknown.push(`${key} is newer than the provider source read`);
  if (diffs.length === 0 && reasons.size === 0) return undefined;
  return {
    urn: next.urn,
    type: next.type,
    name: next.name,
    op: reasons.size > 0 ? "replace" : "update",
    changedKeys: [...new Set(diffs.map((d) => topKey(d.path)))],
    diffs,
    replaceReasons: [...reasons],
    deleteBeforeReplace: Boolean(rules?.deleteBeforeReplace || next.options.deleteBeforeReplace),
    ruleUnknown,
  };
}

/** Every resource `urn` waits for, directly or through others, in `graph`. */
function ancestors(urn: string, graph: Map<string, PlannedResource>, memo: Map<string, Set<string>>) {
  const known = memo.get(urn);
  if (known) return known;
  const out = new Set<string>();
  memo.set(urn, out);
  const r = graph.get(urn);
  const direct = [
    ...(r?.dependencies ?? []),
    ...(r?.options.provider ? [providerUrn(r.options.provider)] : []),
  ];
  for (const dep of direct) {
    if (!graph.has(dep) || out.has(dep)) continue;
    out.add(dep);
    for (const a of ancestors(dep, graph, memo)) out.add(a);
  }
  return out;
}

/**
 * A delete-before-replace resource is gone before its successor exists, so the engine replaces
 * with it every dependent whose provider it is, or whose input on a replace path comes from it
 * (pulumi/pulumi step_generator.go, calculateDependentReplacements; it diffs with the old state's
 * property dependencies).
 */
function addDependentReplacements(
  changes: Map<string, ResourceChange>,
  olds: Map<string, PlannedResource>,
  nexts: PlannedResource[],
  table: ReplaceTable,
) {
  const replaceSet = new Set(
    [...changes.values()].filter((c) => c.op === "replace" && c.deleteBeforeReplace).map((c) => c.urn),
  );
  const name = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
  let grew = true;
  while (grew) {
    grew = false;
    for (const next of nexts) {
      const change = changes.get(next.urn);
      const old = olds.get(next.urn);
      if (!old || !next.custom || replaceSet.has(next.urn) || change?.op === "create") continue;
      const reasons: string[] = [];
      const viaProvider = providerUrn(old.options.provider);
      if (viaProvider && replaceSet.has(viaProvider)) reasons.push(`provider ${name(viaProvider)} replaced`);
      const replaceOn = [
        ...(rulesFor(table, next.type)?.replaceOn ?? []),
        ...(next.options.replaceOnChanges ?? []),
      ];
      const deps = old.propertyDependencies ?? next.propertyDependencies ?? {};
      for (const [key, urns] of Object.entries(deps)) {
        const from = urns.find((u) => replaceSet.has(u));
        if (from && replaceOn.some((rule) => pathMatches(rule, key)))
          reasons.push(`${key} from ${name(from)}`);
      }
      if (reasons.length === 0) continue;
      const base = change ?? classify(old, next, table) ?? bare(next, "replace");
      changes.set(next.urn, {
        ...base,
        op: "replace",
        replaceReasons: [...new Set([...base.replaceReasons, ...reasons.map((r) => `dependent: ${r}`)])],
      });
      replaceSet.add(next.urn);
      grew = true;
    }
  }
}

/** What `pulumi up` would do to go from the plan in `olds` to the plan in `nexts`. */
export function diffPlans(olds: PlannedResource[], nexts: PlannedResource[], table: ReplaceTable): PlanDiff {
  const oldByUrn = new Map(olds.map((r) => [r.urn, r]));
  const newByUrn = new Map(nexts.map((r) => [r.urn, r]));
  const changes = new Map<string, ResourceChange>();
  let unchanged = 0;
  for (const next of nexts) {
    const old = oldByUrn.get(next.urn);
    const change = old ? classify(old, next, table) : bare(next, "create");
    if (change) changes.set(next.urn, change);
  }
  addDependentReplacements(changes, oldByUrn, nexts, table);
  for (const next of nexts) if (!changes.has(next.urn)) unchanged++;
  for (const old of olds) {
    if (!newByUrn.has(old.urn)) changes.set(old.urn, bare(old, "delete"));
  }
  return { changes: [...changes.values()], unchanged, replaceWaves: replaceWaves(changes, newByUrn) };
}

/** Waves of replaced custom resources, from the new plan's dependency graph (transitively). */
function replaceWaves(changes: Map<string, ResourceChange>, graph: Map<string, PlannedResource>): string[][] {
  const replaced = [...changes.values()].filter((c) => c.op === "replace").map((c) => c.urn);
  const replacedSet = new Set(replaced);
  const memo = new Map<string, Set<string>>();
  const wave = new Map<string, number>();
  const waveOf = (urn: string): number => {
    const known = wave.get(urn);
    if (known !== undefined) return known;
    wave.set(urn, 0); // a cycle cannot happen in a registered graph; this only stops recursion
    const before = [...ancestors(urn, graph, memo)].filter((a) => replacedSet.has(a));
    const w = before.length ? Math.max(...before.map(waveOf)) + 1 : 0;
    wave.set(urn, w);
    return w;
  };
  const waves: string[][] = [];
  for (const urn of replaced) {
    const w = waveOf(urn);
    waves[w] = [...(waves[w] ?? []), urn];
  }
  const name = (urn: string) => graph.get(urn)?.name ?? urn;
  return waves.filter(Boolean).map((w) => w.sort((a, b) => name(a).localeCompare(name(b))));
}
