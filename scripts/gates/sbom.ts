import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { z } from "zod";
import { runCommand } from "../ops/command-runner";
import { checkSbom } from "./sbom-check";

const repositoryRoot = join(__dirname, "..", "..");

const manifestSchema = z.object({
  workspaces: z.array(z.string()).default([]),
  dependencies: z.record(z.string(), z.string()).default({}),
  devDependencies: z.record(z.string(), z.string()).default({}),
});
type Manifest = z.infer<typeof manifestSchema>;

const readManifest = (directory: string): Manifest =>
  manifestSchema.parse(JSON.parse(readFileSync(join(directory, "package.json"), "utf8")));

/** Workspace folders named literally in the root manifest (this repository uses plain names, no globs). */
function workspaceManifests(root: string, manifest: Manifest): Manifest[] {
  return manifest.workspaces
    .map((workspace) => join(root, workspace))
    .filter((directory) => existsSync(join(directory, "package.json")))
    .map(readManifest);
}

/** Names of every package npm counts as production (peer dependencies of production packages included). */
async function productionPackageNames(root: string): Promise<Set<string>> {
  const result = await runCommand("npm", ["ls", "--omit=dev", "--all", "--parseable", "--prefix", root]);
  const names = result.stdout
    .split("\n")
    .map((path) => path.split("node_modules/").pop() ?? "")
    .filter((name) => name !== "");
  return new Set(names);
}

async function main(): Promise<void> {
  const program = new Command()
    .name("sbom")
    .description(
      "Writes a CycloneDX SBOM (JSON) of the production dependencies, root and workspaces, and checks it.",
    )
    .option(
      "--output <file>",
      "where to write it",
      join(repositoryRoot, "reports", "sbom", "titan-infra.cdx.json"),
    )
    .option("--root <dir>", "project to describe", repositoryRoot)
    .parse();
  const { output, root } = program.opts<{ output: string; root: string }>();
  mkdirSync(join(output, ".."), { recursive: true });
  const generator = join(repositoryRoot, "node_modules", ".bin", "cyclonedx-npm");
  const args = [
    "--omit",
    "dev",
    "--output-format",
    "JSON",
    "--spec-version",
    "1.6",
    "--output-reproducible",
    "--validate",
  ];
  const result = await runCommand(generator, [...args, "--output-file", output, join(root, "package.json")]);
  if (result.code !== 0) {
    throw new Error(`cyclonedx-npm failed: ${result.stderr.trim().split("\n").slice(-5).join("\n")}`);
  }

  const manifest = readManifest(root);
  const production = [manifest, ...workspaceManifests(root, manifest)].flatMap((entry) =>
    Object.keys(entry.dependencies),
  );
  const productionTree = await productionPackageNames(root);
  const devOnly = Object.keys(manifest.devDependencies).filter((name) => !productionTree.has(name));
  const summary = checkSbom(readFileSync(output, "utf8"), production, devOnly);
  for (const problem of summary.problems) console.log(`PROBLEM  ${problem}`);
  console.log(
    summary.problems.length === 0
      ? `sbom: wrote ${output} (CycloneDX 1.6, ${summary.componentCount} production components)`
      : `sbom: FAIL (${summary.problems.length} problem(s) in ${output})`,
  );
  process.exitCode = summary.problems.length === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(`sbom: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
});
