// Which TypeScript files a service really loads: follow imports from its entry file, and through
// workspace-package barrels only to the files that declare the names it imports.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";

const parsed = new Map<string, ts.SourceFile>();

export function parseTs(file: string): ts.SourceFile {
  let sf = parsed.get(file);
  if (!sf) {
    const kind = file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
    sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, kind);
    parsed.set(file, sf);
  }
  return sf;
}

/** Workspace packages of the Titan tree: package name -> directory. */
export function workspacePackages(titanDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const parent of ["packages", "services", "apps"]) {
    const base = join(titanDir, parent);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const pkg = join(base, name, "package.json");
      if (!existsSync(pkg)) continue;
      const json = JSON.parse(readFileSync(pkg, "utf8")) as { name?: string };
      if (json.name) out.set(json.name, join(base, name));
    }
  }
  return out;
}

function resolveFile(base: string): string | undefined {
  const stem = base.replace(/\.(js|mjs|cjs|ts|tsx)$/, "");
  for (const candidate of [`${stem}.ts`, `${stem}.tsx`, join(stem, "index.ts"), join(stem, "index.tsx")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** `dist/x.js` of a package -> its source file. */
export function sourceOfDist(pkgDir: string, distPath: string): string | undefined {
  const rest = distPath.replace(/^\.?\/?dist\//, "");
  return resolveFile(join(pkgDir, "src", rest)) ?? resolveFile(join(pkgDir, rest));
}

interface ImportRef {
  spec: string;
  /** Imported names; undefined = the whole module (namespace, side effect, dynamic, export *). */
  names: string[] | undefined;
}

function importsOf(sf: ts.SourceFile): ImportRef[] {
  const out: ImportRef[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      if (clause?.isTypeOnly) return;
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings) && !clause?.name) {
        const names = bindings.elements
          .filter((e) => !e.isTypeOnly)
          .map((e) => (e.propertyName ?? e.name).text);
        if (names.length > 0) out.push({ spec: node.moduleSpecifier.text, names });
      } else {
        out.push({ spec: node.moduleSpecifier.text, names: undefined });
      }
      return;
    }
    if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) out.push({ spec: node.moduleSpecifier.text, names: undefined });
      return;
    }
    if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === "require")) &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push({ spec: node.arguments[0].text, names: undefined });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function declares(sf: ts.SourceFile, name: string): boolean {
  for (const st of sf.statements) {
    if (
      (ts.isFunctionDeclaration(st) ||
        ts.isClassDeclaration(st) ||
        ts.isEnumDeclaration(st) ||
        ts.isInterfaceDeclaration(st) ||
        ts.isTypeAliasDeclaration(st)) &&
      st.name?.text === name
    ) {
      return true;
    }
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === name) return true;
      }
    }
    if (
      ts.isExportDeclaration(st) &&
      !st.moduleSpecifier &&
      st.exportClause &&
      ts.isNamedExports(st.exportClause)
    ) {
      if (st.exportClause.elements.some((e) => e.name.text === name)) return true;
    }
  }
  return false;
}

/** Files that declare `name`, starting at a barrel and following its re-exports. */
function declaringFiles(file: string, name: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const sf = parseTs(file);
  // `import { X } from './x'; export { X }`: follow the import
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const b = st.importClause?.namedBindings;
    const el = b && ts.isNamedImports(b) ? b.elements.find((e) => e.name.text === name) : undefined;
    if (!el) continue;
    const target = resolveFile(join(dirname(file), st.moduleSpecifier.text));
    if (target) return declaringFiles(target, (el.propertyName ?? el.name).text, seen);
  }
  if (declares(sf, name)) return [file];
  for (const st of sf.statements) {
    if (!ts.isExportDeclaration(st) || !st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier))
      continue;
    if (st.isTypeOnly) continue;
    const target = resolveFile(join(dirname(file), st.moduleSpecifier.text));
    if (!target) continue;
    if (st.exportClause && ts.isNamedExports(st.exportClause)) {
      const el = st.exportClause.elements.find((e) => e.name.text === name);
      if (el) return declaringFiles(target, (el.propertyName ?? el.name).text, seen);
    } else if (!st.exportClause) {
      const found = declaringFiles(target, name, seen);
      if (found.length > 0) return found;
    }
  }
  return [];
}

/** All files reachable from the entry, as absolute paths, sorted. */
export function reachableFiles(titanDir: string, entry: string): string[] {
  const packages = workspacePackages(titanDir);
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const ref of importsOf(parseTs(file))) {
      const targets: string[] = [];
      if (ref.spec.startsWith(".")) {
        const t = resolveFile(join(dirname(file), ref.spec));
        if (t) targets.push(t);
      } else {
        const pkgName = [...packages.keys()].find((n) => ref.spec === n || ref.spec.startsWith(`${n}/`));
        const pkgDir = pkgName ? packages.get(pkgName) : undefined;
        if (!pkgName || !pkgDir) continue;
        const sub = ref.spec.slice(pkgName.length).replace(/^\//, "");
        const index = sub ? sourceOfDist(pkgDir, sub) : resolveFile(join(pkgDir, "src", "index"));
        if (!index) continue;
        if (ref.names) {
          for (const n of ref.names) targets.push(...declaringFiles(index, n));
          // the barrel's own imports run when the package loads (side effects such as secret loading)
          for (const st of parseTs(index).statements) {
            if (
              ts.isImportDeclaration(st) &&
              ts.isStringLiteral(st.moduleSpecifier) &&
              !st.importClause?.isTypeOnly
            ) {
              const t = resolveFile(join(dirname(index), st.moduleSpecifier.text));
              if (t) targets.push(t);
            }
          }
        } else {
          targets.push(index);
        }
      }
      for (const t of targets) if (!seen.has(t) && !/\.(test|spec)\.tsx?$/.test(t)) queue.push(t);
    }
  }
  return [...seen].sort((a, b) => relative(titanDir, a).localeCompare(relative(titanDir, b)));
}
