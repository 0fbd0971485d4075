import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Command } from "commander";
import { z } from "zod";
import { runCommand } from "../ops/command-runner";
import { judgeLicenses, licensePolicySchema, type PackageLicense } from "./license-policy";

const repositoryRoot = join(__dirname, "..", "..");

const checkerOutputSchema = z.record(
  z.string(),
  z.object({
    licenses: z.union([z.string(), z.array(z.string())]).default("UNKNOWN"),
    path: z.string().optional(),
  }),
);

const manifestSchema = z.object({
  name: z.string(),
  version: z.string().default("0.0.0"),
  private: z.boolean().optional(),
  license: z.union([z.string(), z.object({ type: z.string() })]).optional(),
  licenses: z.array(z.object({ type: z.string() })).optional(),
});

/** license-checker-rseidelsohn over the root's production tree (private packages, i.e. our own, excluded). */
async function licenseCheckerPackages(
  root: string,
): Promise<{ packages: PackageLicense[]; paths: Set<string> }> {
  const checker = join(repositoryRoot, "node_modules", ".bin", "license-checker-rseidelsohn");
  const result = await runCommand(checker, [
    "--production",
    "--excludePrivatePackages",
    "--json",
    "--start",
    root,
  ]);
  if (result.code !== 0) throw new Error(`license-checker failed: ${result.stderr.trim()}`);
  const output = checkerOutputSchema.parse(JSON.parse(result.stdout));
  const paths = new Set<string>();
  const packages = Object.entries(output).map(([name, entry]) => {
    if (entry.path !== undefined) paths.add(entry.path);
    return { package: name, licenses: entry.licenses };
  });
  return { packages, paths };
}

/**
 * npm workspaces hoist the policy pack's dependencies to the root, where license-checker (which walks the root
 * manifest's dependencies) does not look. `npm ls` lists every production package of every workspace; any it
 * finds that license-checker did not report is read from its own package.json.
 */
async function workspaceOnlyPackages(root: string, seen: ReadonlySet<string>): Promise<PackageLicense[]> {
  const result = await runCommand("npm", ["ls", "--omit=dev", "--all", "--parseable", "--prefix", root]);
  const paths = result.stdout.split("\n").filter((line) => line.trim() !== "" && line !== root);
  const extra: PackageLicense[] = [];
  for (const path of paths) {
    if (seen.has(path) || !existsSync(join(path, "package.json"))) continue;
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(path, "package.json"), "utf8")));
    if (manifest.private === true) continue;
    const declared = manifest.license ?? manifest.licenses?.map((entry) => entry.type) ?? "UNKNOWN";
    const licenses = typeof declared === "object" && !Array.isArray(declared) ? declared.type : declared;
    extra.push({ package: `${manifest.name}@${manifest.version}`, licenses });
  }
  return extra;
}

async function main(): Promise<void> {
  const program = new Command()
    .name("licenses")
    .description("Fails when a production dependency carries a license outside the permissive allow-list.")
    .option(
      "--policy <file>",
      "allowed licenses and reviewed exceptions",
      join(repositoryRoot, "license-policy.json"),
    )
    .option("--root <dir>", "project to check", repositoryRoot)
    .parse();
  const options = program.opts<{ policy: string; root: string }>();
  const policy = licensePolicySchema.parse(JSON.parse(readFileSync(options.policy, "utf8")));
  const { packages, paths } = await licenseCheckerPackages(options.root);
  const all = [...packages, ...(await workspaceOnlyPackages(options.root, paths))];
  const verdicts = judgeLicenses(all, policy);
  const refused = verdicts.filter((verdict) => !verdict.allowed);
  const reviewed = verdicts.filter((verdict) => verdict.via === "exception");
  for (const verdict of reviewed) console.log(`reviewed  ${verdict.package}: ${verdict.license}`);
  for (const verdict of refused) console.log(`REFUSED   ${verdict.package}: ${verdict.license}`);
  console.log(
    refused.length === 0
      ? `licenses: pass (${verdicts.length} production packages under ${relative(process.cwd(), options.root) || "."}, all permissive)`
      : `licenses: FAIL (${refused.length} package(s) outside the allow-list in license-policy.json)`,
  );
  process.exitCode = refused.length === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(`licenses: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
});
