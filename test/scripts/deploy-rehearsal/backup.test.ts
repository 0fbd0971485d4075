import { describe, expect, it } from "vitest";
import { buildBackupEnv } from "../../../infra/builders/backup/backup-env";
import { buildInstallScript } from "../../../infra/builders/backup/backup-install";
import { BACKUP_PATHS } from "../../../infra/builders/backup/paths";
import { tradingBackupEnvInput } from "../../../infra/builders/backup/trading-host";
import {
  backupFailed,
  compareDrill,
  demuxLogs,
  installedFiles,
  lastLine,
  rehearsalBackupInput,
  requirepassOf,
} from "../../../scripts/deploy-rehearsal/backup";
import type { DrillResult } from "../../../scripts/restore-drill/report";

const prod = tradingBackupEnvInput({
  repository: "s3:https://fra1.digitaloceanspaces.com/titan-prod-backups/restic",
  label: "prod",
  retention: { daily: 7, weekly: 4, monthly: 6 },
});

describe("installedFiles", () => {
  it("reads back every file of the install script, byte for byte", () => {
    const files = [
      { path: BACKUP_PATHS.envFile, mode: "0644" as const, content: buildBackupEnv(prod) },
      { path: "/etc/titan-backup/odd", mode: "0600" as const, content: "quotes ' \" and\nlines\n€" },
    ];
    const read = installedFiles(buildInstallScript(files));
    expect([...read.keys()]).toEqual([BACKUP_PATHS.envFile, "/etc/titan-backup/odd"]);
    expect(read.get(BACKUP_PATHS.envFile)).toBe(buildBackupEnv(prod));
    expect(read.get("/etc/titan-backup/odd")).toBe("quotes ' \" and\nlines\n€");
  });

  it("finds nothing in a script that installs no file", () => {
    expect(installedFiles("#!/bin/sh\nset -eu\necho hi\n").size).toBe(0);
  });
});

describe("rehearsalBackupInput", () => {
  it("moves every host path under the root and keeps what is not a host path", () => {
    const r = rehearsalBackupInput(prod, { hostRoot: "/tmp/r/host/", repository: "/tmp/r/repo" });
    expect(r).toEqual({
      ...prod,
      repository: "/tmp/r/repo",
      credentialsFile: "/tmp/r/host/etc/titan-backup/credentials",
      cacheDir: "/tmp/r/host/var/cache/titan-backup",
      spoolDir: `/tmp/r/host${BACKUP_PATHS.spoolDir}`,
      drillDir: `/tmp/r/host${BACKUP_PATHS.drillDir}`,
      statusDir: "/tmp/r/host/var/lib/titan-backup",
      runtime: {
        kind: "docker",
        containers: { postgres: "postgres", redis: "redis", nats: "nats" },
        jetstreamDir: `/tmp/r/host${prod.runtime.kind === "docker" ? prod.runtime.jetstreamDir : ""}`,
        redisRdb: `/tmp/r/host${prod.runtime.kind === "docker" ? prod.runtime.redisRdb : ""}`,
        // Inside the redis container: not a host path.
        redisConfPath: "/usr/local/etc/redis/redis.conf",
        stateDirs: [
          {
            name: "execution",
            path: "/tmp/r/host/mnt/titan-data/execution",
            pauseContainer: "titan-execution",
            flags: ["system.halt", "execution.armed"],
          },
          { name: "ai-quant", path: "/tmp/r/host/mnt/titan-data/ai-quant", pauseContainer: "titan-ai-quant" },
          {
            name: "powerlaw-lab",
            path: "/tmp/r/host/mnt/titan-data/powerlaw-lab",
            pauseContainer: "titan-powerlaw-lab",
          },
          { name: "brain", path: "/tmp/r/host/mnt/titan-data/brain" },
        ],
      },
      // Pruning stays inside brain's re-rooted directory, with production's ages.
      pruning: { dir: "/tmp/r/host/mnt/titan-data/brain/backups", keepDays: 7, keepNewest: 60 },
    });
    // The re-rooted settings still pass the builder's checks.
    expect(buildBackupEnv(r)).toContain("JETSTREAM_DIR='/tmp/r/host/");
  });

  it("refuses the local runtime", () => {
    const local = { ...prod, runtime: { kind: "local" } } as unknown as typeof prod;
    expect(() => rehearsalBackupInput(local, { hostRoot: "/r", repository: "/r/repo" })).toThrow(
      "the rehearsal runs the docker runtime only",
    );
  });
});

describe("compareDrill", () => {
  const seeded = {
    table: "titan.public.rehearsal_fills",
    rows: 240,
    stream: "TITAN_EVT",
    messages: 120,
    redisKeys: 25,
    stateFiles: { execution: 3, brain: 72 },
    flags: { "execution/system.halt": true, "execution/execution.armed": true },
  };
  const drill = (over: Partial<DrillResult> = {}): DrillResult => ({
    snapshot: { id: "abcdef12", time: "2026-01-01T00:00:00Z" },
    tables: [{ name: "titan.public.rehearsal_fills", rows: 240 }],
    streams: [{ name: "TITAN_EVT", messages: 120 }],
    redisKeys: 25,
    stateDirs: [
      { name: "execution", files: 3 },
      { name: "brain", files: 72 },
    ],
    flags: [
      { file: "execution/system.halt", present: true },
      { file: "execution/execution.armed", present: true },
    ],
    ...over,
  });

  it("is ok when every seeded count came back", () => {
    expect(compareDrill(seeded, drill())).toEqual({
      ok: true,
      detail:
        "titan.public.rehearsal_fills rows 240; TITAN_EVT messages 120; redis keys 25; execution files 3; brain files 72; execution/system.halt present; execution/execution.armed present",
    });
  });

  it("names a state directory that came back short or absent, and a flag that did not come back", () => {
    const r = compareDrill(
      seeded,
      drill({
        stateDirs: [{ name: "execution", files: "absent" }],
        flags: [{ file: "execution/system.halt", present: false }],
      }),
    );
    expect(r.ok).toBe(false);
    expect(r.detail).toBe(
      "titan.public.rehearsal_fills rows 240; TITAN_EVT messages 120; redis keys 25; execution files: seeded 3, restored absent; brain files: seeded 72, restored none; execution/system.halt: seeded present, restored absent; execution/execution.armed: seeded present, restored not reported",
    );
  });

  it("names each store that differs, and a missing table or stream", () => {
    const r = compareDrill(
      seeded,
      drill({ tables: [], streams: [{ name: "TITAN_EVT", messages: 119 }], redisKeys: 0 }),
    );
    expect(r.ok).toBe(false);
    expect(r.detail).toBe(
      "titan.public.rehearsal_fills rows: seeded 240, restored none; TITAN_EVT messages: seeded 120, restored 119; redis keys: seeded 25, restored 0; execution files 3; brain files 72; execution/system.halt present; execution/execution.armed present",
    );
  });
});

describe("small parsers", () => {
  it("demuxes the Engine API's log frames into stdout and stderr", () => {
    const frame = (stream: number, text: string) => {
      const body = Buffer.from(text);
      const head = Buffer.alloc(8);
      head[0] = stream;
      head.writeUInt32BE(body.length, 4);
      return Buffer.concat([head, body]);
    };
    expect(demuxLogs(Buffer.concat([frame(1, "a\n"), frame(2, "oops\n"), frame(1, '{"n":1}\n')]))).toEqual({
      stdout: 'a\n{"n":1}\n',
      stderr: "oops\n",
    });
    expect(demuxLogs(Buffer.alloc(0))).toEqual({ stdout: "", stderr: "" });
  });

  it("reads requirepass, quoted or not", () => {
    expect(requirepassOf('port 6379\nrequirepass "fake-pass-1"\ndir /data\n')).toBe("fake-pass-1");
    expect(requirepassOf("requirepass fake-pass-2\n")).toBe("fake-pass-2");
    expect(requirepassOf("# requirepass nope\nport 1\n")).toBeUndefined();
  });

  it("keeps the last non-empty line and says whether a step failed", () => {
    expect(lastLine("one\ntwo  \n\n")).toBe("two");
    expect(lastLine("")).toBe("");
    expect(
      backupFailed([
        { step: "a", result: "ok", detail: "" },
        { step: "b", result: "skipped", detail: "" },
      ]),
    ).toBe(false);
    expect(backupFailed([{ step: "a", result: "failed", detail: "x" }])).toBe(true);
  });
});
