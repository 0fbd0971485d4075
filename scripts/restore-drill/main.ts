import { execFile } from "node:child_process";
import { Command } from "commander";
import type { CommandRunner } from "../ops/command-runner";
import { type DrillOptions, restoreDrill } from "./drill";

// A drill restores a whole snapshot: allow it half an hour, not the 60 s of ordinary commands.
const run: CommandRunner = (program, args) =>
  new Promise((resolve) => {
    execFile(
      program,
      [...args],
      { timeout: 30 * 60_000, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, stdout, stderr });
        if ((error as NodeJS.ErrnoException).code === "ENOENT")
          return resolve({ code: null, stdout, stderr, notFound: true });
        resolve({ code: typeof error.code === "number" ? error.code : 1, stdout, stderr });
      },
    );
  });

async function main(): Promise<void> {
  const program = new Command()
    .name("restore-drill")
    .description(
      "Restores a backup into scratch containers on the trading droplet, counts what it holds, removes the scratch.",
    )
    .option("--stack <name>", "stack (default: the selected stack)")
    .option("--at <time>", "the newest snapshot taken at or before this time (default: the newest)")
    .parse();
  process.exitCode = await restoreDrill(program.opts<DrillOptions>(), run, (line) => console.log(line));
}

main().catch((error: unknown) => {
  console.error(`restore-drill: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
});
