// A small constant evaluator over TypeScript ASTs: enough to read subject catalogs
// (objects of strings and arrow functions returning template strings) and stream tables.
import { dirname, join } from "node:path";
import ts from "typescript";

/** Stands for a value the reader cannot know (a parameter, a runtime value): becomes a `*` token. */
export const WILD = "\u0000";

export type Value = string | number | boolean | Value[] | ValueObject | FnValue | undefined;
export interface ValueObject {
  [key: string]: Value;
}
export interface FnValue {
  fn: ts.ArrowFunction | ts.FunctionExpression;
}

function isFn(v: Value): v is FnValue {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "fn" in v && typeof v.fn === "object";
}

/** Top-level `const NAME = ...` declarations of many files, looked up by name. */
export class ConstTable {
  private readonly decls = new Map<string, ts.Expression>();
  private readonly byFile = new Map<string, Map<string, ts.Expression>>();
  /** The const `name` as seen from `sf`: its own, then the file its import of `name` points to, then any. */
  lookup(name: string, sf: ts.SourceFile): ts.Expression | undefined {
    const own = this.byFile.get(sf.fileName)?.get(name);
    if (own) return own;
    for (const st of sf.statements) {
      if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      const b = st.importClause?.namedBindings;
      const el = b && ts.isNamedImports(b) ? b.elements.find((e) => e.name.text === name) : undefined;
      if (!el || !st.moduleSpecifier.text.startsWith(".")) continue;
      const stem = join(dirname(sf.fileName), st.moduleSpecifier.text).replace(/\.(js|ts)$/, "");
      for (const cand of [`${stem}.ts`, `${stem}.tsx`, join(stem, "index.ts")]) {
        const hit = this.byFile.get(cand)?.get((el.propertyName ?? el.name).text);
        if (hit) return hit;
      }
    }
    return this.decls.get(name);
  }
  add(sf: ts.SourceFile): void {
    const mine = new Map<string, ts.Expression>();
    this.byFile.set(sf.fileName, mine);
    this.addTo(sf, mine);
  }
  private addTo(sf: ts.SourceFile, mine: Map<string, ts.Expression>): void {
    for (const st of sf.statements) {
      if (ts.isVariableStatement(st) && st.declarationList.flags & ts.NodeFlags.Const) {
        for (const d of st.declarationList.declarations) {
          if (ts.isIdentifier(d.name) && d.initializer) {
            mine.set(d.name.text, d.initializer);
            if (!this.decls.has(d.name.text)) this.decls.set(d.name.text, d.initializer);
          }
        }
      }
      if (ts.isEnumDeclaration(st) && !this.decls.has(st.name.text)) {
        const obj = ts.factory.createObjectLiteralExpression(
          st.members.flatMap((m) =>
            m.initializer && ts.isIdentifier(m.name)
              ? [ts.factory.createPropertyAssignment(m.name.text, m.initializer)]
              : [],
          ),
        );
        this.decls.set(st.name.text, obj);
        mine.set(st.name.text, obj);
      }
    }
  }
  get(name: string): ts.Expression | undefined {
    return this.decls.get(name);
  }
}

/** Find `const name = init` in the blocks enclosing `at` (nearest first). */
function localConst(name: string, at: ts.Node): ts.Expression | undefined {
  for (let n: ts.Node | undefined = at.parent; n; n = n.parent) {
    const statements = ts.isBlock(n) || ts.isSourceFile(n) || ts.isModuleBlock(n) ? n.statements : undefined;
    if (!statements) continue;
    for (const st of statements) {
      if (!ts.isVariableStatement(st)) continue;
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer) return d.initializer;
      }
    }
  }
  return undefined;
}

export class Evaluator {
  constructor(private readonly table: ConstTable) {}
  private readonly bound: Map<string, Value>[] = [];

  eval(node: ts.Expression, depth = 0): Value {
    if (depth > 40) return undefined;
    const d = depth + 1;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isNumericLiteral(node)) return Number(node.text);
    if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (
      ts.isParenthesizedExpression(node) ||
      ts.isAsExpression(node) ||
      ts.isSatisfiesExpression(node) ||
      ts.isTypeAssertionExpression(node) ||
      ts.isNonNullExpression(node)
    ) {
      return this.eval(node.expression, d);
    }
    if (ts.isTemplateExpression(node)) {
      let out = node.head.text;
      for (const span of node.templateSpans) {
        const v = this.eval(span.expression, d);
        out += typeof v === "string" || typeof v === "number" ? String(v) : WILD;
        out += span.literal.text;
      }
      return out;
    }
    if (ts.isBinaryExpression(node)) {
      const l = this.eval(node.left, d);
      const r = this.eval(node.right, d);
      const op = node.operatorToken.kind;
      if (op === ts.SyntaxKind.PlusToken) {
        if (typeof l === "number" && typeof r === "number") return l + r;
        const ls = typeof l === "string" || typeof l === "number" ? String(l) : WILD;
        const rs = typeof r === "string" || typeof r === "number" ? String(r) : WILD;
        return ls + rs;
      }
      if (typeof l === "number" && typeof r === "number") {
        if (op === ts.SyntaxKind.AsteriskToken) return l * r;
        if (op === ts.SyntaxKind.MinusToken) return l - r;
      }
      return undefined;
    }
    if (ts.isIdentifier(node)) {
      for (let i = this.bound.length - 1; i >= 0; i--) {
        const scope = this.bound[i];
        if (scope?.has(node.text)) return scope.get(node.text);
      }
      const init = localConst(node.text, node) ?? this.table.lookup(node.text, node.getSourceFile());
      return init ? this.eval(init, d) : undefined;
    }
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      const obj = this.eval(node.expression, d);
      const key = ts.isPropertyAccessExpression(node)
        ? node.name.text
        : (this.eval(node.argumentExpression, d) as string | number | undefined);
      if (key === undefined || obj === undefined || typeof obj !== "object" || isFn(obj)) return undefined;
      if (Array.isArray(obj)) return typeof key === "number" ? obj[key] : undefined;
      return Object.hasOwn(obj, String(key)) ? obj[String(key)] : undefined;
    }
    if (ts.isObjectLiteralExpression(node)) {
      const out: ValueObject = {};
      for (const p of node.properties) {
        if (ts.isPropertyAssignment(p)) {
          const key = ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) ? p.name.text : undefined;
          if (key !== undefined) out[key] = this.eval(p.initializer, d);
        } else if (ts.isSpreadAssignment(p)) {
          const v = this.eval(p.expression, d);
          if (v && typeof v === "object" && !Array.isArray(v) && !isFn(v)) Object.assign(out, v);
        } else if (ts.isShorthandPropertyAssignment(p)) {
          out[p.name.text] = this.eval(p.name, d);
        }
      }
      return out;
    }
    if (ts.isArrayLiteralExpression(node)) {
      const out: Value[] = [];
      for (const e of node.elements) {
        if (ts.isSpreadElement(e)) {
          const v = this.eval(e.expression, d);
          if (Array.isArray(v)) out.push(...v);
        } else {
          out.push(this.eval(e, d));
        }
      }
      return out;
    }
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return { fn: node };
    if (ts.isCallExpression(node)) {
      const callee = this.eval(node.expression, d);
      if (!isFn(callee)) return undefined;
      const body = callee.fn.body;
      const scope = new Map<string, Value>();
      callee.fn.parameters.forEach((p, i) => {
        const arg = node.arguments[i];
        if (ts.isIdentifier(p.name)) scope.set(p.name.text, arg ? (this.eval(arg, d) ?? WILD) : WILD);
      });
      this.bound.push(scope);
      try {
        if (ts.isBlock(body)) {
          const ret = body.statements.find(ts.isReturnStatement);
          return ret?.expression ? this.eval(ret.expression, d) : undefined;
        }
        return this.eval(body, d);
      } finally {
        this.bound.pop();
      }
    }
    return undefined;
  }
}

/** A NATS subject from an evaluated value: unknown parts become `*` tokens; undefined when not subject-like. */
export function toSubject(v: Value): string | undefined {
  if (typeof v !== "string") return undefined;
  const tokens = v.split(".").map((t) => (t.includes(WILD) ? "*" : t));
  const subject = tokens.join(".");
  if (!/^[A-Za-z0-9_$*>-]+(\.[A-Za-z0-9_$*>-]+)+$/.test(subject)) return undefined;
  if (tokens.every((t) => t === "*")) return undefined;
  return subject;
}
