import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { runCommand } from "../ops/command-runner";
import {
  type Advisory,
  auditAllowlistSchema,
  decide,
  isPassing,
  readAuditOutput,
  SEVERITY_ORDER,
  type Severity,
} from "./audit-policy";

const repositoryRoot = join(__dirname, "..", "..");

interface CliOptions {
  allowlist: string;
  input?: string;
  level: Severity;
  today: string;
}

const formatAdvisory = (advisory: Advisory): string =>
  `${advisory.severity.padEnd(8)} ${advisory.package} ${advisory.range ?? ""} ${advisory.title} ${advisory.url ?? ""}`;

async function auditJson(input: string | undefined): Promise<string> {
  if (input !== undefined) return readFileSync(input, "utf8");
  // --audit-level only changes npm's exit code; the decision below reads the JSON itself.
  const result = await runCommand("npm", ["audit", "--omit=dev", "--audit-level=high", "--json"]);
  return result.stdout;
}

async function main(): Promise<void> {
  const program = new Command()
    .name("audit")
    .description("npm audit of production dependencies (high or worse), with a reviewed allow-list.")
    .option("--allowlist <file>", "accepted advisories", join(repositoryRoot, "audit-allowlist.json"))
    .option("--input <file>", "read `npm audit --json` output from a file instead of running it")
    .option("--level <severity>", `lowest blocking severity (${SEVERITY_ORDER.join(", ")})`, "high")
    .option("--today <YYYY-MM-DD>", "date used for expiry", new Date().toISOString().slice(0, 10))
    .parse();
  const options = program.opts<CliOptions>();
  if (!SEVERITY_ORDER.includes(options.level)) throw new Error(`unknown severity ${options.level}`);
  const allowlist = auditAllowlistSchema.parse(
    JSON.parse(readFileSync(options.allowlist, "utf8")),
  ).advisories;

  const outcome = readAuditOutput(await auditJson(options.input));
  if (outcome.kind === "unreachable") {
    console.log(
      `audit: SKIPPED, NOT PASSED: the registry's audit endpoint could not be reached (${outcome.reason}).`,
    );
    console.log(
      "audit: no advisory data was checked; run `npm run audit` where registry.npmjs.org is reachable.",
    );
    const { expiredEntries } = decide([], allowlist, options.level, options.today);
    if (expiredEntries.length > 0) {
      const names = expiredEntries.map((entry) => entry.id ?? entry.url).join(", ");
      console.log(`audit: FAIL: expired allow-list entries (review or remove them): ${names}`);
      process.exitCode = 1;
    }
    return;
  }
  if (outcome.kind === "error") {
    console.error(`audit: FAIL: npm audit did not run: ${outcome.reason}`);
    process.exitCode = 1;
    return;
  }
  const decision = decide(outcome.advisories, allowlist, options.level, options.today);
  for (const { advisory, entry } of decision.accepted) {
    console.log(`accepted  ${formatAdvisory(advisory)} (until ${entry.expires}: ${entry.reason})`);
  }
  for (const advisory of decision.blocking) console.log(`BLOCKING  ${formatAdvisory(advisory)}`);
  for (const entry of decision.expiredEntries) {
    console.log(
      `EXPIRED   allow-list entry ${entry.id ?? entry.url} expired ${entry.expires}: review or remove it`,
    );
  }
  console.log(
    isPassing(decision)
      ? `audit: pass (${outcome.advisories.length} advisories seen, none blocking at ${options.level}+)`
      : `audit: FAIL (${decision.blocking.length} blocking, ${decision.expiredEntries.length} expired entries)`,
  );
  process.exitCode = isPassing(decision) ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(`audit: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
});
