// npm run restore-drill: over SSH (through the edge, each hop checked against its pinned key), as root on the trading host by way of the
// Docker socket, asks titan-backup for the snapshots, picks the one for --at, runs the drill into
// scratch containers there and prints what the snapshot holds. The drill's logic is the generated
// script's `drill` subcommand, the same text the real-program round trip runs.

import { z } from "zod";
import { hostRootShell } from "../../infra/builders/backup/backup-install";
import { BACKUP_PATHS } from "../../infra/builders/backup/paths";
import { type PinnedHop, type SshTarget, sshOptions } from "../../infra/builders/ssh-access";
import type { CommandRunner } from "../ops/command-runner";
import { parseDrillOutput, pickSnapshot, renderDrill } from "./report";

export interface DrillOptions {
  stack?: string;
  at?: string;
}

const HOP_FIELDS = {
  user: z.string(),
  address: z.string(),
  port: z.number().optional(),
  dropletId: z.string(),
};
const tradingSshSchema = z.object({
  ...HOP_FIELDS,
  hostKey: z.string(),
  jump: z.object({ ...HOP_FIELDS, hostKey: z.string() }).optional(),
});

/**
 * The ssh arguments from the stack's `tradingSsh` output: the options `pulumi up` itself uses
 * (sshOptions), so the trading host and the edge as jump are each checked against the key pinned
 * in state, with no known_hosts file on this machine (ProxyJump would not pass -o options on).
 */
export function sshArgs(outputsJson: string): string[] {
  const outputs = JSON.parse(outputsJson) as { tradingSsh?: unknown };
  if (outputs.tradingSsh === undefined)
    throw new Error(
      "the stack has no tradingSsh output (it came with this version of the program). Fix: pulumi up, then run the drill again",
    );
  const parsed = tradingSshSchema.safeParse(outputs.tradingSsh);
  if (!parsed.success) throw new Error(`stack output tradingSsh is malformed: ${parsed.error.message}`);
  const { jump, ...trading } = parsed.data;
  const target: PinnedHop & SshTarget = { ...pinned(trading), ...(jump ? { jump: pinned(jump) } : {}) };
  return [...sshOptions(target), ...portArgs(trading.port), `${trading.user}@${trading.address}`];
}

type ParsedHop = NonNullable<z.infer<typeof tradingSshSchema>["jump"]>;

/** The builder's hop, with `port` absent rather than undefined (exact optional types). */
function pinned({ port, ...hop }: ParsedHop): PinnedHop {
  return { ...hop, ...(port === undefined ? {} : { port }) };
}

const portArgs = (port: number | undefined) => (port === undefined ? [] : ["-p", String(port)]);

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
  const ssh = sshArgs(outputs.stdout);
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
