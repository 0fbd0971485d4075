/**
 * `npm run deploy-rehearsal -- [--stack NAME]`
 *
 * Runs the program offline as the plan does, starts a throw-away dockerd in a network namespace
 * of its own, imports stand-in images built from programs on this machine, and creates every
 * container of the plan through the Engine API with the provider's calls (create, network
 * connects, archive uploads, start), then waits for each healthcheck. Where the stack deploys
 * titan-backup, seeds the live stores and runs the backup and its restore drill with the docker
 * runtime as production installs it (backup-run.ts). Prints a table per part; exit 1 if any
 * container or backup step fails, 2 on bad usage or when not root.
 */
import { Command } from "commander";
import { backupFailed } from "./backup";
import { rehearse } from "./rehearse";
import { failed, renderBackupTable, renderTable } from "./table";

async function main() {
  const flags = new Command("deploy-rehearsal")
    .option("--stack <name>", "stack to rehearse (reads Pulumi.<name>.yaml)", "prod")
    .option("--dir <dir>", "project directory", process.cwd())
    .option("--health-timeout <seconds>", "how long to wait for every healthcheck", "120")
    .parse(process.argv.slice(2), { from: "user" })
    .opts<{ stack: string; dir: string; healthTimeout: string }>();
  if (process.getuid?.() !== 0) {
    console.error(
      "deploy-rehearsal: needs root (it creates a network namespace and runs dockerd). Fix: run it as root, e.g. sudo npm run deploy-rehearsal",
    );
    process.exit(2);
  }
  const started = Date.now();
  const { results, backup } = await rehearse({
    dir: flags.dir,
    stack: flags.stack,
    healthTimeoutMs: Number(flags.healthTimeout) * 1000,
    log: (s) => console.log(`deploy-rehearsal: ${s}`),
  });
  console.log(renderTable(results));
  console.log("");
  console.log(
    backup
      ? renderBackupTable(backup)
      : `backup: stack ${flags.stack} deploys no titan-backup (no install command in the plan); not rehearsed.`,
  );
  console.log(`deploy-rehearsal: stack ${flags.stack} in ${Math.round((Date.now() - started) / 1000)} s`);
  process.exit(results.some(failed) || results.length === 0 || (backup && backupFailed(backup)) ? 1 : 0);
}

main().catch((err) => {
  console.error(`deploy-rehearsal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
