import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sshOptions } from "../../../infra/builders/ssh-access";
import type { CommandResult } from "../../../scripts/ops/command-runner";
import { parseAt, restoreDrill, sshArgs } from "../../../scripts/restore-drill/drill";
import { parseDrillOutput, pickSnapshot, renderDrill } from "../../../scripts/restore-drill/report";

const SNAPS = JSON.stringify([
  { id: "a".repeat(64), time: "2026-11-29T03:30:05Z" },
  { id: "b".repeat(64), time: "2026-11-30T03:30:04Z" },
]);
/** A known_hosts line with a well-formed (random, meaningless) ed25519 key blob. */
function hostKeyLine(host: string): string {
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const blob = Buffer.concat([str(Buffer.from("ssh-ed25519")), str(randomBytes(32))]);
  return `${host} ssh-ed25519 ${blob.toString("base64")}`;
}
const EDGE = { user: "titan", address: "203.0.113.7", dropletId: "401", hostKey: hostKeyLine("203.0.113.7") };
const TRADING = { user: "titan", address: "10.20.0.5", dropletId: "402", hostKey: hostKeyLine("10.20.0.5") };
const OUTPUTS = JSON.stringify({
  sshCommands: { trading: "ssh -J titan@203.0.113.7 titan@10.20.0.5" },
  tradingSsh: { ...TRADING, jump: EDGE },
});
const DRILL = [
  `snapshot\t${"a".repeat(64)}\t2026-11-29T03:30:05Z`,
  "postgres\ttitan.public.trades\t240",
  'jetstream\tjsz\t{"account_details":[{"stream_detail":[{"name":"TITAN_CMD","state":{"messages":120}}]}]}',
  "redis\tkeys\t25",
  "state\texecution\t2",
  "state\tbrain\t1441",
  "state\tpowerlaw-lab\tabsent",
  "flag\texecution/system.halt\tpresent",
  "flag\texecution/execution.armed\tabsent",
  "drill\tok\t0",
].join("\n");
/** A drill from before the state directories were backed up. */
const OLD_DRILL = DRILL.split("\n")
  .filter((l) => !/^(state|flag)\t/.test(l))
  .join("\n");

describe("restore-drill", () => {
  it("picks the newest snapshot at or before --at, and says when there is none", () => {
    expect(pickSnapshot(SNAPS).id).toBe("b".repeat(64));
    expect(pickSnapshot(SNAPS, new Date("2026-11-30T00:00:00Z")).id).toBe("a".repeat(64));
    expect(() => pickSnapshot(SNAPS, new Date("2026-11-01T00:00:00Z"))).toThrow(
      "no snapshot at or before 2026-11-01T00:00:00.000Z; the oldest is 2026-11-29T03:30:05Z",
    );
    expect(() => parseAt("yesterday")).toThrow("--at 'yesterday' is not a time such as 2026-11-30T04:00Z");
  });

  it("reaches trading through the edge with each hop checked against its pin, as pulumi up does", () => {
    const args = sshArgs(OUTPUTS);
    // Exactly the Docker provider's options (tested against a real sshd in ssh-access.real.test.ts).
    expect(args).toEqual([...sshOptions({ ...TRADING, jump: EDGE }), "titan@10.20.0.5"]);
    const options = args.filter((_, i) => args[i - 1] === "-o");
    expect(options).toContain("StrictHostKeyChecking=yes");
    // No known_hosts file of the operator's counts, for the target or the jump.
    expect(options).toContain("UserKnownHostsFile=/dev/null");
    expect(options).toContain(`KnownHostsCommand=/bin/echo ${TRADING.hostKey}`);
    const proxy = options.find((o) => o.startsWith("ProxyCommand="));
    expect(proxy).toContain(`'KnownHostsCommand=/bin/echo ${EDGE.hostKey}'`);
    expect(proxy).toContain("'titan@203.0.113.7'");
    expect(args).not.toContain("-J");
  });

  it("single: no jump; refuses a missing or malformed output, naming the fix", () => {
    const single = JSON.stringify({ tradingSsh: { ...EDGE } });
    expect(sshArgs(single).some((a) => a.startsWith("ProxyCommand="))).toBe(false);
    expect(sshArgs(single).at(-1)).toBe("titan@203.0.113.7");
    expect(() => sshArgs(JSON.stringify({ sshCommands: {} }))).toThrow(
      "the stack has no tradingSsh output (it came with this version of the program). Fix: pulumi up, then run the drill again",
    );
    expect(() => sshArgs(JSON.stringify({ tradingSsh: { ...TRADING, dropletId: 5 } }))).toThrow(
      "stack output tradingSsh is malformed",
    );
    // The builder's own checks hold: a pin for another address is refused.
    expect(() => sshArgs(JSON.stringify({ tradingSsh: { ...TRADING, hostKey: EDGE.hostKey } }))).toThrow(
      "the line is for '203.0.113.7', not '10.20.0.5'",
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
        "store      item                       count",
        "postgres   titan.public.trades        240 rows",
        "jetstream  TITAN_CMD                  120 messages",
        "redis      all databases              25 keys",
        "state      execution                  2 files",
        "state      brain                      1441 files",
        "state      powerlaw-lab               not in snapshot",
        "flag       execution/system.halt      present",
        "flag       execution/execution.armed  absent",
      ].join("\n"),
    );
  });

  it("reads a drill from before the state directories, and refuses a flag that is neither present nor absent", () => {
    const old = parseDrillOutput(OLD_DRILL);
    expect(old.stateDirs).toEqual([]);
    expect(old.flags).toEqual([]);
    expect(renderDrill(old).split("\n")).toHaveLength(5);
    expect(parseDrillOutput(DRILL).flags).toEqual([
      { file: "execution/system.halt", present: true },
      { file: "execution/execution.armed", present: false },
    ]);
    expect(() => parseDrillOutput(DRILL.replace("system.halt\tpresent", "system.halt\tyes"))).toThrow(
      "drill output: flag execution/system.halt is 'yes', not present or absent",
    );
    expect(() => parseDrillOutput(DRILL.replace("brain\t1441", "brain\tmany"))).toThrow(
      "drill output: state brain count 'many' is not a number",
    );
  });
});
