// npm run restore-drill: over SSH (through the edge), as root on the trading host by way of the
// Docker socket, asks titan-backup for the snapshots, picks the one for --at, runs the drill into
// scratch containers there and prints what the snapshot holds. The drill's logic is the generated
// script's `drill` subcommand, the same text the real-program round trip runs.
import { hostRootShell } from "../../infra/builders/backup/backup-install";
import { BACKUP_PATHS } from "../../infra/builders/backup/paths";
import { STRICT_HOST_KEYS } from "../../infra/builders/ssh-access";
import type { CommandRunner } from "../ops/command-runner";
import { parseDrillOutput, pickSnapshot, renderDrill } from "./report";

export interface DrillOptions {
  stack?: string;
  at?: string;
}

const SSH_TRADING = /^ssh (?:-J ([a-z_][a-z0-9_-]*@[\d.]+) )?([a-z_][a-z0-9_-]*@[\d.]+)$/;

/** The ssh argv prefix from the stack's sshCommands.trading output. */
export function sshPrefix(outputsJson: string): string[] {
  const outputs = JSON.parse(outputsJson) as { sshCommands?: { trading?: string } };
  const line = outputs.sshCommands?.trading ?? "";
  const m = SSH_TRADING.exec(line);
  if (!m?.[2])
    throw new Error(`stack output sshCommands.trading '${line}' is not 'ssh [-J user@edge] user@host'`);
  return ["-o", STRICT_HOST_KEYS, "-o", "BatchMode=yes", ...(m[1] ? ["-J", m[1]] : []), m[2]];
}

export function parseAt(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`--at '${text}' is not a time such as 2026-11-30T04:00Z`);
  return new Date(ms);
}

const remote = (subcommand: string) => hostRootShell("redis", `${BACKUP_PATHS.script} ${subcommand}`);

export async function restoreDrill(
  opts: DrillOptions,
  run: CommandRunner,
  print: (line: string) => void,
): Promise<number> {
  const at = parseAt(opts.at);
  const outputs = await run("pulumi", [
    "stack",
    "output",
    "--json",
    ...(opts.stack ? ["--stack", opts.stack] : []),
  ]);
  if (outputs.code !== 0) throw new Error(`pulumi stack output failed: ${outputs.stderr.trim()}`);
  const ssh = sshPrefix(outputs.stdout);
  const list = await run("ssh", [...ssh, remote("snapshots")]);
  if (list.code !== 0) throw new Error(`listing snapshots failed: ${list.stderr.trim()}`);
  const chosen = pickSnapshot(list.stdout, at);
  print(
    `Restoring snapshot ${chosen.id.slice(0, 8)} (${chosen.time}) into scratch containers on the trading host…`,
  );
  const drill = await run("ssh", [...ssh, remote(`drill ${chosen.id}`)]);
  if (drill.code !== 0) {
    print(drill.stderr.trim());
    print("restore drill FAILED; the scratch containers were removed, live data untouched");
    return 1;
  }
  print(renderDrill(parseDrillOutput(drill.stdout)));
  return 0;
}
