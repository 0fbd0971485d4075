import { Command } from "commander";
import { runCommand } from "./command-runner";
import { parseEpoch, type RotateOptions, rotate } from "./rotate-command";
import { quarterOf } from "./rotation";

async function main(): Promise<void> {
  const program = new Command()
    .name("rotate")
    .description(
      "Moves titan:rotationEpoch to the current quarter and says what `pulumi up` will renew, in which order, and what restarts.",
    )
    .option("--stack <name>", "stack to rotate (default: the selected stack)")
    .option(
      "--file <path>",
      "edit this stack file (Pulumi.<stack>.yaml) instead of calling pulumi config set",
    )
    .option(
      "--epoch <YYYY-Qn>",
      "target epoch (default: the current quarter, UTC)",
      parseEpoch,
      quarterOf(new Date()),
    )
    .option("--dry-run", "print the plan, change nothing", false)
    .parse();
  process.exitCode = await rotate(program.opts<RotateOptions>(), runCommand, (line) => console.log(line));
}

main().catch((error: unknown) => {
  console.error(`rotate: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
});
