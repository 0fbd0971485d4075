import { describe, expect, it } from "vitest";
import type { CommandResult } from "../../../scripts/ops/command-runner";
import { parseAt, restoreDrill, sshPrefix } from "../../../scripts/restore-drill/drill";
import { pickSnapshot } from "../../../scripts/restore-drill/report";

const SNAPS = JSON.stringify([
  { id: "a".repeat(64), time: "2026-11-29T03:30:05Z" },
  { id: "b".repeat(64), time: "2026-11-30T03:30:04Z" },
]);
const OUTPUTS = JSON.stringify({ sshCommands: { trading: "ssh -J titan@203.0.113.7 titan@10.20.0.5" } });
const DRILL = [
  `snapshot\t${"a".repeat(64)}\t2026-11-29T03:30:05Z`,
  "postgres\ttitan.public.trades\t240",
  'jetstream\tjsz\t{"account_details":[{"stream_detail":[{"name":"TITAN_CMD","state":{"messages":120}}]}]}',
  "redis\tkeys\t25",
  "drill\tok\t0",
].join("\n");

describe("restore-drill", () => {
  it("picks the newest snapshot at or before --at, and says when there is none", () => {
    expect(pickSnapshot(SNAPS).id).toBe("b".repeat(64));
    expect(pickSnapshot(SNAPS, new Date("2026-11-30T00:00:00Z")).id).toBe("a".repeat(64));
    expect(() => pickSnapshot(SNAPS, new Date("2026-11-01T00:00:00Z"))).toThrow(
      "no snapshot at or before 2026-11-01T00:00:00.000Z; the oldest is 2026-11-29T03:30:05Z",
    );
    expect(() => parseAt("yesterday")).toThrow("--at 'yesterday' is not a time such as 2026-11-30T04:00Z");
  });

  it("reaches trading through the edge with host keys checked", () => {
    expect(sshPrefix(OUTPUTS)).toEqual([
      "-o",
      "StrictHostKeyChecking=yes",
      "-o",
      "BatchMode=yes",
      "-J",
      "titan@203.0.113.7",
      "titan@10.20.0.5",
    ]);
    expect(() => sshPrefix(JSON.stringify({ sshCommands: { trading: "ssh titan@x; rm -rf /" } }))).toThrow(
      "is not 'ssh [-J user@edge] user@host'",
    );
  });

  it("runs snapshots then drill of the chosen id as root through docker, and prints the table", async () => {
    const calls: string[][] = [];
    const run = async (program: string, args: readonly string[]): Promise<CommandResult> => {
      calls.push([program, ...args]);
      if (program === "pulumi") return { code: 0, stdout: OUTPUTS, stderr: "" };
      const cmd = args.at(-1) ?? "";
      return { code: 0, stdout: cmd.endsWith("snapshots") ? SNAPS : DRILL, stderr: "" };
    };
    const lines: string[] = [];
    const code = await restoreDrill({ stack: "prod", at: "2026-11-29T12:00Z" }, run, (l) => lines.push(l));
    expect(code).toBe(0);
    expect(calls[0]).toEqual(["pulumi", "stack", "output", "--json", "--stack", "prod"]);
    expect(calls[2]?.at(-1)).toBe(
      `docker run --rm -i --network host -v /:/host --entrypoint chroot "$(docker inspect -f '{{.Config.Image}}' redis)" /host /usr/local/sbin/titan-backup drill ${"a".repeat(64)}`,
    );
    expect(lines.at(-1)).toBe(
      [
        "Restore drill of snapshot aaaaaaaa taken 2026-11-29T03:30:05Z",
        "store      item                 count",
        "postgres   titan.public.trades  240 rows",
        "jetstream  TITAN_CMD            120 messages",
        "redis      all databases        25 keys",
      ].join("\n"),
    );
  });
});
