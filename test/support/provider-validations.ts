// Test tooling: checks registered resources' inputs against what the real providers validate
// (data/provider-validations.json). A mock run accepts any value; this is what `pulumi preview` and
// the first `pulumi up` would refuse. Secret values are never printed.

import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { resolve } from "node:path";
import { isSecretEnvelope, REDACTED } from "../../scripts/engine/redact";

export interface Condition {
  /** A sibling path in the same object as the rule's property. */
  path: string;
  in?: unknown[];
  notIn?: unknown[];
  present?: boolean;
}

export interface Rule {
  path: string;
  kind: string;
  values?: unknown[] | string;
  ignoreCase?: boolean;
  pattern?: string;
  min?: number;
  max?: number;
  paths?: string[];
  other?: string;
  value?: unknown;
  format?: string;
  when?: Condition[];
  file?: string;
  line: number;
  origin?: string;
  note?: string;
  enforced?: boolean;
}

export interface ResourceTable {
  provider: string;
  file: string;
  properties: Record<string, string>;
  rules: Rule[];
}

export interface ProviderSource {
  pulumiPackage: string;
  repository: string;
  version: string;
  commit: string;
  note: string;
}

export interface ValidationTable {
  providers: Record<string, ProviderSource>;
  resources: Record<string, ResourceTable>;
  shared: Record<string, { values: unknown[]; source: string }>;
}

/** What the checker needs of a registered resource: inputs as registered, secret envelopes included. */
export interface CheckedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export interface Violation {
  type: string;
  name: string;
  path: string;
  /** Printable value: `[secret]` for a secret, `(unset)` when absent. */
  value: string;
  rule: string;
  source: string;
}

export const TABLE_FILE = resolve(__dirname, "../../data/provider-validations.json");

export function loadValidationTable(file = TABLE_FILE): ValidationTable {
  return JSON.parse(readFileSync(file, "utf8")) as ValidationTable;
}

export const RULE_KINDS = [
  "required",
  "enum",
  "regex",
  "range",
  "length",
  "notZero",
  "format",
  "maxItems",
  "minItems",
  "conflictsWith",
  "exactlyOneOf",
  "atLeastOneOf",
  "requiredWith",
  "requiresValue",
  "notAllFalse",
  "atLeastSumOf",
] as const;

/** Kinds whose `paths`/`other` name siblings of the rule's property, judged once per holding object. */
const GROUP_KINDS = new Set([
  "conflictsWith",
  "exactlyOneOf",
  "atLeastOneOf",
  "requiredWith",
  "requiresValue",
  "notAllFalse",
  "atLeastSumOf",
]);

interface Node {
  value: unknown;
  secret: boolean;
  path: string;
}

function open(value: unknown, secret: boolean): { value: unknown; secret: boolean } {
  let v = value;
  let s = secret;
  while (isSecretEnvelope(v)) {
    v = v.value;
    s = true;
  }
  return { value: v, secret: s };
}

interface Segment {
  key: string;
  each: boolean;
}

function parsePath(path: string): Segment[] {
  return path.split(".").map((part) => {
    const each = part.endsWith("[]");
    return { key: each ? part.slice(0, -2) : part, each };
  });
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** The objects a path's segments lead to, expanding `[]` over list elements. */
function walk(nodes: Node[], segments: Segment[]): Node[] {
  let current = nodes;
  for (const seg of segments) {
    const next: Node[] = [];
    for (const node of current) {
      if (!isObject(node.value)) continue;
      const child = open(node.value[seg.key], node.secret);
      const path = node.path ? `${node.path}.${seg.key}` : seg.key;
      if (child.value === undefined || child.value === null) continue;
      if (seg.each) {
        if (!Array.isArray(child.value)) continue;
        child.value.forEach((el, i) => {
          const e = open(el, child.secret);
          next.push({ value: e.value, secret: e.secret, path: `${path}[${i}]` });
        });
      } else {
        next.push({ value: child.value, secret: child.secret, path });
      }
    }
    current = next;
  }
  return current;
}

function child(parent: Node, key: string): Node {
  const c = isObject(parent.value)
    ? open(parent.value[key], parent.secret)
    : { value: undefined, secret: false };
  return { ...c, path: parent.path ? `${parent.path}.${key}` : key };
}

const isMissing = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0);
/** Set in the provider's sense (GetOk): not missing, not an empty string. */
const isGiven = (v: unknown) => !isMissing(v) && v !== "";

export function printable(node: { value: unknown; secret: boolean }): string {
  if (node.secret) return REDACTED;
  if (node.value === undefined || node.value === null) return "(unset)";
  const text = JSON.stringify(node.value) ?? String(node.value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function enumValues(rule: Rule, table: ValidationTable): unknown[] {
  if (typeof rule.values === "string") {
    const shared = table.shared[rule.values];
    if (!shared) throw new Error(`rule ${rule.path}: no shared list ${rule.values}`);
    return shared.values;
  }
  return rule.values ?? [];
}

const GO_DURATION = /^(0|([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h))+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function isCidr(s: string): boolean {
  const [addr, len, extra] = s.split("/");
  if (extra !== undefined || len === undefined || !/^\d{1,3}$/.test(len)) return false;
  const family = isIP(addr ?? "");
  return family !== 0 && Number(len) <= (family === 4 ? 32 : 128);
}

function formatOk(format: string, v: unknown): boolean {
  if (typeof v !== "string") return false;
  switch (format) {
    case "cidr":
      return isCidr(v);
    case "ipv4":
      return isIP(v) === 4;
    case "ip":
      return isIP(v) !== 0;
    case "ipOrCidr":
      return isIP(v) !== 0 || isCidr(v);
    case "rfc1918Cidr16to24": {
      if (!isCidr(v) || isIP(v.split("/")[0] ?? "") !== 4) return false;
      const [a = 0, b = 0] = (v.split("/")[0] ?? "").split(".").map(Number);
      const len = Number(v.split("/")[1]);
      const private1918 = a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
      return private1918 && len >= 16 && len <= 24;
    }
    case "duration":
      return GO_DURATION.test(v);
    case "base64":
      return BASE64.test(v);
    default:
      throw new Error(`unknown format ${format}`);
  }
}

/** The rule in words, for a failure message. */
export function describeRule(rule: Rule, table: ValidationTable): string {
  const list = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).join(", ");
  const when = rule.when?.length
    ? ` when ${rule.when
        .map((c) =>
          c.in
            ? `${c.path} in [${list(c.in)}]`
            : c.notIn
              ? `${c.path} not in [${list(c.notIn)}]`
              : `${c.path} set`,
        )
        .join(" and ")}`
    : "";
  const bounds = () =>
    [rule.min !== undefined ? `>= ${rule.min}` : "", rule.max !== undefined ? `<= ${rule.max}` : ""]
      .filter(Boolean)
      .join(" and ");
  const text = (() => {
    switch (rule.kind) {
      case "required":
        return "required";
      case "enum":
        return `one of [${list(enumValues(rule, table))}]${rule.ignoreCase ? " (any case)" : ""}`;
      case "regex":
        return `matches /${rule.pattern}/`;
      case "range":
        return `a number ${bounds()}`;
      case "length":
        return `a string of length ${bounds()}`;
      case "notZero":
        return "not empty or zero";
      case "format":
        return `a valid ${rule.format}`;
      case "maxItems":
        return `at most ${rule.max} item(s)`;
      case "minItems":
        return `at least ${rule.min} item(s)`;
      case "conflictsWith":
        return `not set together with ${rule.paths?.join(", ")}`;
      case "exactlyOneOf":
        return `exactly one of ${rule.paths?.join(", ")} set`;
      case "atLeastOneOf":
        return `at least one of ${rule.paths?.join(", ")} set`;
      case "requiredWith":
        return `set only together with ${rule.paths?.join(", ")}`;
      case "requiresValue":
        return `set only when ${rule.other} is ${JSON.stringify(rule.value)}`;
      case "notAllFalse":
        return `not all of ${rule.paths?.join(", ")} false`;
      case "atLeastSumOf":
        return `at least the sum of ${rule.paths?.join(", ")}`;
      default:
        throw new Error(`unknown rule kind ${rule.kind}`);
    }
  })();
  return `${rule.kind}: ${text}${when}`;
}

export function ruleSource(rule: Rule, res: ResourceTable, table: ValidationTable): string {
  const p = table.providers[res.provider];
  if (!p) throw new Error(`no provider ${res.provider} in the table`);
  const origin = rule.origin === "docs" ? " (API-side rule, documented)" : "";
  return `${p.repository}@${p.commit.slice(0, 12)} (${p.version}) ${rule.file ?? res.file}:${rule.line}${origin}`;
}

function conditionsHold(holder: Node, when: Condition[] | undefined): boolean {
  for (const c of when ?? []) {
    const v = child(holder, c.path).value;
    if (c.in && !c.in.includes(v)) return false;
    if (c.notIn?.includes(v)) return false;
    if (c.present !== undefined && isGiven(v) !== c.present) return false;
  }
  return true;
}

/** Failures of one value against one single-value rule; undefined when it passes. */
function valueFails(rule: Rule, v: unknown, table: ValidationTable): boolean {
  switch (rule.kind) {
    case "enum": {
      const values = enumValues(rule, table);
      if (rule.ignoreCase && typeof v === "string") {
        return !values.some((x) => typeof x === "string" && x.toLowerCase() === v.toLowerCase());
      }
      return !values.includes(v);
    }
    case "regex":
      return typeof v !== "string" || !new RegExp(rule.pattern ?? "").test(v);
    case "range":
      return (
        typeof v !== "number" ||
        (rule.min !== undefined && v < rule.min) ||
        (rule.max !== undefined && v > rule.max)
      );
    case "length":
      return (
        typeof v !== "string" ||
        (rule.min !== undefined && v.length < rule.min) ||
        (rule.max !== undefined && v.length > rule.max)
      );
    case "notZero":
      return v === "" || v === 0;
    case "format":
      return !formatOk(rule.format ?? "", v);
    case "maxItems":
      return Array.isArray(v) && v.length > (rule.max ?? Number.POSITIVE_INFINITY);
    case "minItems":
      return Array.isArray(v) && v.length < (rule.min ?? 0);
    default:
      throw new Error(`unknown rule kind ${rule.kind}`);
  }
}

function groupFails(rule: Rule, holder: Node, leaf: string): boolean {
  const given = (p: string) => isGiven(child(holder, p).value);
  const paths = rule.paths ?? [];
  switch (rule.kind) {
    case "conflictsWith":
      return given(leaf) && paths.some(given);
    case "exactlyOneOf":
      return paths.filter(given).length !== 1;
    case "atLeastOneOf":
      return !paths.some(given);
    case "requiredWith":
      return given(leaf) && !paths.every(given);
    case "requiresValue":
      return given(leaf) && child(holder, rule.other ?? "").value !== rule.value;
    case "notAllFalse":
      return paths.every((p) => child(holder, p).value === false);
    case "atLeastSumOf": {
      const sum = paths.reduce((n, p) => n + (Number(child(holder, p).value) || 0), 0);
      const v = child(holder, leaf).value;
      return typeof v === "number" && v < sum;
    }
    default:
      throw new Error(`unknown rule kind ${rule.kind}`);
  }
}

/** Every violation of the table's rules by the given resources' inputs. */
export function checkResources(table: ValidationTable, resources: CheckedResource[]): Violation[] {
  const out: Violation[] = [];
  for (const r of resources) {
    const res = table.resources[r.type];
    if (!res) continue; // reported by uncoveredInputs
    const root: Node = { value: r.inputs, secret: false, path: "" };
    for (const rule of res.rules) {
      if (rule.enforced === false) continue;
      const segments = parsePath(rule.path);
      const leaf = segments[segments.length - 1] as Segment;
      const holders = walk([root], segments.slice(0, -1)).filter((h) => conditionsHold(h, rule.when));
      const fail = (node: { value: unknown; secret: boolean; path: string }) =>
        out.push({
          type: r.type,
          name: r.name,
          path: node.path,
          value: printable(node),
          rule: describeRule(rule, table),
          source: ruleSource(rule, res, table),
        });
      for (const holder of holders) {
        if (GROUP_KINDS.has(rule.kind)) {
          if (groupFails(rule, holder, leaf.key)) fail(child(holder, leaf.key));
        } else if (rule.kind === "required") {
          const node = child(holder, leaf.key);
          if (isMissing(node.value)) fail(node);
        } else {
          for (const node of walk([holder], [leaf])) {
            if (valueFails(rule, node.value, table)) fail(node);
          }
        }
      }
    }
  }
  return out;
}

export function formatViolation(v: Violation): string {
  return `${v.type} '${v.name}': ${v.path} = ${v.value} breaks ${v.rule} [${v.source}]`;
}

/** Input paths in the table's syntax (`a.b`, `a[].c`), secrets opened, with no values. */
export function inputPaths(inputs: Record<string, unknown>): string[] {
  const paths = new Set<string>();
  const visit = (value: unknown, path: string) => {
    const v = open(value, false).value;
    if (Array.isArray(v)) {
      if (v.length === 0) paths.add(path);
      for (const el of v) visit(el, `${path}[]`);
    } else if (isObject(v) && Object.keys(v).length > 0) {
      for (const [k, x] of Object.entries(v)) visit(x, path ? `${path}.${k}` : k);
    } else if (path) {
      paths.add(path);
    }
  };
  visit(inputs, "");
  return [...paths].sort();
}

function covered(path: string, properties: Record<string, string>): boolean {
  const parts = path.split(".");
  for (let i = parts.length; i > 0; i--) {
    const prefix = parts.slice(0, i).join(".");
    if (prefix in properties || prefix.replace(/\[\]$/, "") in properties) return true;
  }
  return false;
}

/** Registered types the table lacks, and input paths it does not list (not yet reviewed). */
export function uncoveredInputs(table: ValidationTable, resources: CheckedResource[]): string[] {
  const out = new Set<string>();
  for (const r of resources) {
    const res = table.resources[r.type];
    if (!res) {
      out.add(`${r.type}: type not in data/provider-validations.json`);
      continue;
    }
    for (const p of inputPaths(r.inputs)) {
      if (!covered(p, res.properties)) out.add(`${r.type}: input ${p} not listed under properties`);
    }
  }
  return [...out].sort();
}

/** Table problems: unknown kinds or providers, rules without a line, unresolved shared lists. */
export function tableProblems(table: ValidationTable): string[] {
  const problems: string[] = [];
  for (const [type, res] of Object.entries(table.resources)) {
    if (!table.providers[res.provider]) problems.push(`${type}: unknown provider ${res.provider}`);
    for (const rule of res.rules) {
      const where = `${type} ${rule.path} (${rule.kind})`;
      if (!(RULE_KINDS as readonly string[]).includes(rule.kind)) problems.push(`${where}: unknown kind`);
      if (!Number.isInteger(rule.line) || rule.line < 1) problems.push(`${where}: no source line`);
      if (typeof rule.values === "string" && !table.shared[rule.values]) {
        problems.push(`${where}: no shared list ${rule.values}`);
      }
      if (rule.enforced === false && !rule.note) problems.push(`${where}: not enforced without a note`);
    }
  }
  for (const [name, p] of Object.entries(table.providers)) {
    if (!/^[0-9a-f]{40}$/.test(p.commit)) problems.push(`provider ${name}: commit is not a full SHA`);
  }
  return problems;
}
