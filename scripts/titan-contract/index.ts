// npm run titan-contract -- --titan DIR [--commit SHA] [--check]
// Builds data/titan-contract.json from a Titan work tree; --check exits 1 with the difference when
// the committed contract is stale.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { buildContract } from "./build";
import { contractDiff } from "./diff";
import { loadOverrides } from "./overrides";

const ROOT = join(__dirname, "..", "..");

export interface RunOptions {
  titan: string;
  commit?: string;
  check?: boolean;
  out?: string;
  overrides?: string;
}

function gitHead(dir: string): string | undefined {
  try {
    return execFileSync("git", ["-C", dir, "rev-parse", "HEAD"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return undefined;
  }
}

/** Returns the exit code; prints what it did. */
export function run(opts: RunOptions, print: (line: string) => void = console.log): number {
  const titanDir = resolve(opts.titan);
  const out = resolve(opts.out ?? join(ROOT, "data", "titan-contract.json"));
  const overridesPath = resolve(opts.overrides ?? join(ROOT, "data", "titan-contract.overrides.json"));
  if (!existsSync(titanDir))
    throw new Error(`--titan ${opts.titan}: no such directory; point it at a Titan work tree`);
  const committed = existsSync(out)
    ? (JSON.parse(readFileSync(out, "utf8")) as { titan?: { commit?: string } })
    : undefined;
  const commit = opts.commit ?? gitHead(titanDir) ?? (opts.check ? committed?.titan?.commit : undefined);
  if (!commit) {
    throw new Error(
      `${titanDir} is not a git work tree: pass --commit <40-hex sha> naming the Titan commit it holds`,
    );
  }
  const contract = buildContract({ titanDir, commit, overrides: loadOverrides(overridesPath) });
  const text = `${JSON.stringify(contract, null, 2)}\n`;
  for (const s of contract.services) {
    for (const u of s.nats.unresolved) print(`note: ${s.name}: unresolved NATS call ${u}`);
  }
  if (opts.check) {
    if (!committed) {
      print(`${out} does not exist: run npm run titan-contract -- --titan ${opts.titan} to create it`);
      return 1;
    }
    const diff = contractDiff(committed, contract);
    if (diff.length === 0) {
      print(`${out} is up to date with Titan ${commit}`);
      return 0;
    }
    print(`${out} is stale against ${titanDir} (Titan ${commit}): ${diff.length} changed line(s)`);
    for (const line of diff) print(line);
    print(
      `Refresh it: npm run titan-contract -- --titan ${opts.titan}${opts.commit ? ` --commit ${opts.commit}` : ""}`,
    );
    return 1;
  }
  writeFileSync(out, text);
  print(`wrote ${out} for Titan ${commit}: ${contract.services.length} services`);
  return 0;
}

if (require.main === module) {
  const program = new Command()
    .name("titan-contract")
    .description("Build the Titan contract (data/titan-contract.json) from a Titan work tree")
    .requiredOption("--titan <dir>", "Titan work tree (git worktree or git archive extract)")
    .option("--commit <sha>", "Titan commit the tree holds (default: git rev-parse HEAD in it)")
    .option("--check", "exit 1 and print the difference when the committed contract is stale")
    .option("--out <file>", "contract file", join(ROOT, "data", "titan-contract.json"))
    .option("--overrides <file>", "overrides file", join(ROOT, "data", "titan-contract.overrides.json"));
  program.parse();
  try {
    process.exitCode = run(program.opts<RunOptions>());
  } catch (err) {
    console.error(`titan-contract: ${(err as Error).message}`);
    process.exitCode = 2;
  }
}
