// npm run mutation:survivors -- --measured "commit X, date" [--report FILE] [--out FILE]
// Writes the score and the undetected mutants of the last `npm run mutation` as markdown.
import { readFileSync, writeFileSync } from "node:fs";
import { Command } from "commander";
import type { MutationTestResult } from "mutation-testing-report-schema";
import { renderSurvivors } from "./render";

const program = new Command()
  .name("mutation:survivors")
  .requiredOption("--measured <text>", "what was measured: commit and time, printed under the title")
  .option("--report <file>", "Stryker's JSON report", "reports/mutation/policy.json")
  .option("--out <file>", "markdown to write", "docs/mutation-survivors.md")
  .parse();

const { measured, report, out } = program.opts<{ measured: string; report: string; out: string }>();
let result: MutationTestResult;
try {
  result = JSON.parse(readFileSync(report, "utf8")) as MutationTestResult;
} catch (error) {
  console.error(
    `mutation:survivors: cannot read ${report} (${(error as Error).message}); run \`npm run mutation\` first`,
  );
  process.exit(2);
}
writeFileSync(out, renderSurvivors(result.files, { measured }));
console.log(`mutation:survivors: wrote ${out}`);
