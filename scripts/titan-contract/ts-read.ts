// Reads env vars and NATS usage from TypeScript ASTs of the files a service loads.
import { relative } from "node:path";
import ts from "typescript";
import { type EnvFinding, emptyFindings, type Findings } from "./findings";
import { ConstTable, Evaluator, toSubject, type Value } from "./ts-eval";
import { parseTs } from "./ts-graph";

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

function where(titanDir: string, sf: ts.SourceFile, node: ts.Node): string {
  const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  return `${relative(titanDir, sf.fileName)}:${line + 1}`;
}

function isProcessEnv(node: ts.Node): boolean {
  return (
    ts.isPropertyAccessExpression(node) &&
    node.name.text === "env" &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === "process"
  );
}

/** process.env.X / process.env["X"] -> X */
function envName(node: ts.Node): string | undefined {
  if (ts.isPropertyAccessExpression(node) && isProcessEnv(node.expression)) return node.name.text;
  if (
    ts.isElementAccessExpression(node) &&
    isProcessEnv(node.expression) &&
    ts.isStringLiteralLike(node.argumentExpression)
  ) {
    return node.argumentExpression.text;
  }
  return undefined;
}

function literalText(node: ts.Expression): string | undefined {
  if (ts.isStringLiteralLike(node) || ts.isNumericLiteral(node)) return node.text;
  return undefined;
}

/** A block (or statement) that throws or calls process.exit. */
function fails(node: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || ts.isFunctionLike(n)) return;
    if (ts.isThrowStatement(n)) found = true;
    if (
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      n.expression.name.text === "exit" &&
      ts.isIdentifier(n.expression.expression) &&
      n.expression.expression.text === "process"
    ) {
      found = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/** `!x` or `!x || ...` at the top of a condition, where x satisfies `test`. */
function negates(cond: ts.Expression, test: (e: ts.Expression) => boolean): boolean {
  let e = cond;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) return test(e.operand);
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.BarBarToken) return negates(e.left, test) || negates(e.right, test);
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) return negates(e.left, test);
  }
  return false;
}

function ifFailsWhenMissing(stmt: ts.Node | undefined, test: (e: ts.Expression) => boolean): boolean {
  return !!stmt && ts.isIfStatement(stmt) && negates(stmt.expression, test) && fails(stmt.thenStatement);
}

/** Required when the read is checked by `if (!process.env.X) throw/exit`, directly or via a const. */
function readIsRequired(read: ts.Node, name: string): boolean {
  // if (!process.env.X ...) { throw }
  for (let n: ts.Node | undefined = read.parent; n && !ts.isFunctionLike(n); n = n.parent) {
    if (ts.isIfStatement(n) && ifFailsWhenMissing(n, (e) => envName(e) === name)) return true;
  }
  // const v = process.env.X; ... if (!v) throw
  const decl = read.parent;
  if (decl && ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) && decl.initializer === read) {
    const v = decl.name.text;
    const block = decl.parent?.parent?.parent;
    if (block && (ts.isBlock(block) || ts.isSourceFile(block))) {
      const isV = (e: ts.Expression): boolean => ts.isIdentifier(e) && e.text === v;
      const isVOrLength = (e: ts.Expression): boolean =>
        isV(e) || (ts.isPropertyAccessExpression(e) && isV(e.expression));
      let hit = false;
      const visit = (n: ts.Node): void => {
        if (hit) return;
        if (ts.isIfStatement(n) && ifFailsWhenMissing(n, isVOrLength)) hit = true;
        if (!ts.isFunctionLike(n)) ts.forEachChild(n, visit);
      };
      ts.forEachChild(block, visit);
      if (hit) return true;
    }
  }
  return false;
}

/** `process.env.X || 'd'` / `?? 'd'`, also inside parseInt(...) */
function readDefault(read: ts.Node): string | undefined {
  const p = read.parent;
  if (
    p &&
    ts.isBinaryExpression(p) &&
    p.left === read &&
    (p.operatorToken.kind === ts.SyntaxKind.BarBarToken ||
      p.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)
  ) {
    return literalText(p.right);
  }
  return undefined;
}

/** String arrays named like required/sensitive env tables: `const requiredVariables = ['A', 'B']`. */
function envTable(node: ts.VariableDeclaration): "required" | "sensitive" | undefined {
  if (!ts.isIdentifier(node.name) || !node.initializer) return undefined;
  let init: ts.Expression = node.initializer;
  while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init)) init = init.expression;
  if (!ts.isArrayLiteralExpression(init) || init.elements.length === 0) return undefined;
  if (!init.elements.every((e) => ts.isStringLiteralLike(e) && ENV_NAME.test(e.text))) return undefined;
  const n = node.name.text;
  if (/^required/i.test(n)) return "required";
  if (/sensitive|secret/i.test(n)) return "sensitive";
  return undefined;
}

const NATS_RECEIVER = /nats|^nc$|client|bus|messag|conn/i;

function receiverText(sf: ts.SourceFile, call: ts.CallExpression): string {
  return ts.isPropertyAccessExpression(call.expression) ? call.expression.expression.getText(sf) : "";
}

export function readTsFiles(titanDir: string, files: string[], catalogFiles: string[]): Findings {
  const out = emptyFindings();
  const table = new ConstTable();
  for (const f of [...catalogFiles, ...files]) table.add(parseTs(f));
  const ev = new Evaluator(table);

  for (const file of files) {
    const sf = parseTs(file);
    const at = (n: ts.Node): string => where(titanDir, sf, n);
    const visit = (node: ts.Node): void => {
      const name = envName(node);
      if (
        name &&
        !(ts.isBinaryExpression(node.parent) && node.parent.left === node && isAssign(node.parent))
      ) {
        const f: EnvFinding = { name, required: readIsRequired(node, name), source: at(node) };
        const def = readDefault(node);
        if (def !== undefined) f.default = def;
        out.env.push(f);
      }
      // const { A, B = 'x' } = process.env
      if (ts.isVariableDeclaration(node) && node.initializer && isProcessEnv(node.initializer)) {
        if (ts.isObjectBindingPattern(node.name)) {
          for (const el of node.name.elements) {
            const key = el.propertyName ?? el.name;
            if (!ts.isIdentifier(key)) continue;
            const f: EnvFinding = { name: key.text, required: false, source: at(el) };
            const def = el.initializer ? literalText(el.initializer) : undefined;
            if (def !== undefined) f.default = def;
            out.env.push(f);
          }
        }
      }
      if (ts.isVariableDeclaration(node)) {
        const kind = envTable(node);
        if (kind && node.initializer) {
          let init: ts.Expression = node.initializer;
          while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init)) init = init.expression;
          for (const e of (init as ts.ArrayLiteralExpression).elements) {
            const text = (e as ts.StringLiteral).text;
            out.env.push(
              kind === "required"
                ? { name: text, required: true, source: at(e) }
                : { name: text, required: false, source: at(e), sensitive: true },
            );
          }
        }
      }
      if (ts.isCallExpression(node)) readCall(node);
      ts.forEachChild(node, visit);
    };

    const readCall = (call: ts.CallExpression): void => {
      const callee = call.expression;
      const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      if (!method) return;
      if (method === "jetstreamManager") {
        out.usesNats = true;
        const opt = call.arguments[0];
        const off =
          opt &&
          ts.isObjectLiteralExpression(opt) &&
          opt.getText(sf).replace(/\s/g, "").includes("checkAPI:false");
        if (!off) out.jsmInfo.push(at(call));
        return;
      }
      if (
        method === "add" &&
        ts.isPropertyAccessExpression(callee) &&
        ts.isPropertyAccessExpression(callee.expression) &&
        callee.expression.name.text === "streams"
      ) {
        out.usesNats = true;
        const arg = call.arguments[0];
        if (!arg) return;
        for (const cfg of streamConfigs(arg)) {
          const name = isObj(cfg) ? cfg.name : undefined;
          const subjects = isObj(cfg) && Array.isArray(cfg.subjects) ? cfg.subjects : [];
          if (typeof name === "string") {
            out.streamsCreated.push({
              name,
              subjects: subjects.map(toSubject).filter((s): s is string => !!s),
              source: at(call),
            });
          } else {
            out.unresolved.push(`${at(call)} streams.add(${oneLine(arg.getText(sf))})`);
          }
        }
        return;
      }
      if (method === "durable" && !out.durableWithoutDeliverTo) {
        const fn = enclosingFunction(call);
        if (fn && !callsMethod(fn, "deliverTo")) out.durableWithoutDeliverTo = at(call);
        return;
      }
      if (!["publish", "publishEnvelope", "subscribe", "request"].includes(method)) return;
      const first = call.arguments[0];
      if (!first) return;
      const subject = toSubject(ev.eval(first));
      const receiver = receiverText(sf, call);
      if (!subject) {
        if (NATS_RECEIVER.test(receiver))
          out.unresolved.push(`${at(call)} ${receiver}.${method}(${oneLine(first.getText(sf))})`);
        return;
      }
      out.usesNats = true;
      const kind = method === "publishEnvelope" ? "publish" : (method as "publish" | "subscribe" | "request");
      out[kind].push({ subject, source: at(call) });
      if (method === "subscribe" && call.arguments[2]) {
        const durable = ev.eval(call.arguments[2]);
        if (typeof durable === "string") {
          out.consumers.push({ subject, durable, kind: "push", created: true, source: at(call) });
        }
      }
    };

    /** A stream config argument: an object, or a for-of loop variable over a table of them. */
    const streamConfigs = (expr: ts.Expression): Value[] => {
      let arg = expr;
      while (ts.isAsExpression(arg) || ts.isParenthesizedExpression(arg) || ts.isSatisfiesExpression(arg)) {
        arg = arg.expression;
      }
      if (ts.isIdentifier(arg)) {
        for (let n: ts.Node | undefined = arg.parent; n; n = n.parent) {
          if (ts.isForOfStatement(n) && ts.isVariableDeclarationList(n.initializer)) {
            const d = n.initializer.declarations[0];
            if (d && ts.isIdentifier(d.name) && d.name.text === arg.text) {
              const arr = ev.eval(n.expression);
              return Array.isArray(arr) ? arr : [];
            }
          }
        }
      }
      return [ev.eval(arg)];
    };
    visit(sf);
  }
  return out;
}

function callsMethod(root: ts.Node, name: string): boolean {
  let hit = false;
  const visit = (n: ts.Node): void => {
    if (hit) return;
    if (
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      n.expression.name.text === name
    )
      hit = true;
    ts.forEachChild(n, visit);
  };
  visit(root);
  return hit;
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, " ");
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}

function enclosingFunction(n: ts.Node): ts.Node | undefined {
  for (let p: ts.Node | undefined = n.parent; p; p = p.parent) if (ts.isFunctionLike(p)) return p;
  return undefined;
}

function isAssign(b: ts.BinaryExpression): boolean {
  return b.operatorToken.kind === ts.SyntaxKind.EqualsToken;
}

function isObj(v: Value): v is Record<string, Value> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !("fn" in v);
}
