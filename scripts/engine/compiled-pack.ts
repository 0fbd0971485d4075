// The offline plan's fast start for the policy pack. `run-policy-pack` registers ts-node with
// type-checking on, which costs seconds on every start; here the pack's TypeScript is transpiled
// once with esbuild into a cache directory keyed by a hash of its sources, and that directory is
// launched exactly as the CLI launches a pack (same run-policy-pack entry, own process, analyzer
// gRPC). The pack is still type-checked, by `npm run typecheck` in CI, and `pulumi preview
// --policy-pack policy` still runs the TypeScript sources.
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { build, version as esbuildVersion } from "esbuild";

/** Files that make up the pack at run time; its tests and tooling configs are not part of it. */
const SKIPPED_DIRS = new Set(["node_modules", "test", "coverage"]);
const isPackSource = (file: string) =>
  file.endsWith(".ts") && !file.endsWith(".test.ts") && !file.includes(".config.");
const PACK_METADATA = ["package.json", "PulumiPolicy.yaml", "tsconfig.json"];

function listSources(packDir: string, dir = packDir): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) files.push(...listSources(packDir, path));
    } else if (isPackSource(entry.name)) {
      files.push(path);
    }
  }
  return files;
}

/** A hash of everything the transpiled pack depends on: sources, metadata and the compiler. */
function packSourceHash(packDir: string): string {
  const hash = createHash("sha256").update(`esbuild ${esbuildVersion}\n`);
  const files = [
    ...listSources(packDir),
    ...PACK_METADATA.map((f) => join(packDir, f)).filter((f) => existsSync(f)),
  ];
  for (const file of files.sort()) {
    hash
      .update(`${relative(packDir, file)}\n`)
      .update(readFileSync(file))
      .update("\n");
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * The cache sits in the node_modules that holds @pulumi/pulumi (and, hoisted beside it, @pulumi/policy), so the pack's bare imports (kept
 * external) resolve to the same packages as when ts-node runs the sources.
 */
function defaultCacheRoot(): string {
  const policyPackage = require.resolve("@pulumi/pulumi/package.json");
  return resolve(dirname(policyPackage), "..", "..", ".cache", "titan-policy");
}

export interface CompiledPack {
  dir: string;
  hash: string;
  /** False when the cache already held this hash. */
  built: boolean;
  buildMs: number;
}

/** Transpiles `packDir` into `<cache>/<hash>/` unless it is already there; returns a pack directory. */
export async function prepareCompiledPack(
  packDir: string,
  cacheRoot = defaultCacheRoot(),
): Promise<CompiledPack> {
  const started = Date.now();
  const source = resolve(packDir);
  const hash = packSourceHash(source);
  const dir = join(cacheRoot, hash);
  if (existsSync(join(dir, "index.js"))) return { dir, hash, built: false, buildMs: Date.now() - started };

  const manifest = JSON.parse(readFileSync(join(source, "package.json"), "utf8")) as { main?: string };
  // Built beside the final directory and renamed into place, so concurrent plans never see half a pack.
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  await build({
    entryPoints: [join(source, manifest.main ?? "index.ts")],
    outfile: join(staging, "index.js"),
    bundle: true,
    packages: "external",
    platform: "node",
    format: "cjs",
    target: "node20",
    sourcemap: "linked",
    sourcesContent: false,
    logLevel: "error",
  });
  writeFileSync(
    join(staging, "package.json"),
    `${JSON.stringify({ ...manifest, main: "index.js" }, null, 2)}\n`,
  );
  copyFileSync(join(source, "PulumiPolicy.yaml"), join(staging, "PulumiPolicy.yaml"));
  try {
    renameSync(staging, dir);
  } catch (err) {
    // Another process renamed the same build into place first.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(dir, "index.js"))) throw err;
  }
  return { dir, hash, built: true, buildMs: Date.now() - started };
}
