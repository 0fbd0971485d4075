// The pack is self-contained: every module its sources import (tests aside) is a Node builtin or
// declared in policy/package.json with an exact version, so it installs from its own folder.
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const PACK = resolve(__dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return ["node_modules", "test"].includes(e.name) ? [] : sources(full);
    return /\.ts$/.test(e.name) && !/\.config\.ts$/.test(e.name) ? [full] : [];
  });
}

/** Bare specifiers (not relative) of imports, re-exports, dynamic imports and requires, read by
 * TypeScript's own pre-processor, so an import-like phrase inside a string is not one. */
function importedPackages(text: string): string[] {
  const specs = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  return specs
    .filter((s) => !s.startsWith("."))
    .map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : (s.split("/")[0] as string)));
}

describe("self-contained pack", () => {
  const manifest = JSON.parse(readFileSync(join(PACK, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  it("declares every package its sources import, pinned exactly", () => {
    const used = new Set(sources(PACK).flatMap((f) => importedPackages(readFileSync(f, "utf8"))));
    const undeclared = [...used].filter(
      (p) => !p.startsWith("node:") && !builtinModules.includes(p) && !(p in manifest.dependencies),
    );
    expect(undeclared).toEqual([]);
    for (const [name, version] of Object.entries(manifest.dependencies))
      expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it("the scanner sees bare, scoped and subpath imports", () => {
    expect(
      importedPackages(
        'import a from "yaml";\nimport { b } from "@pulumi/policy/x";\nimport c from "./c";\nconst d = require("ipaddr.js");\nexport * from "zod";',
      ),
    ).toEqual(["yaml", "@pulumi/policy", "ipaddr.js", "zod"]);
    // A message that reads like an import is not one.
    expect(importedPackages("const m = `strips it from '${path}'`;")).toEqual([]);
  });
});
