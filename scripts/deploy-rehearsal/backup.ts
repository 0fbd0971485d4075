// Pure parts of the rehearsal's backup run: what the plan installs, the production settings
// re-rooted into the rehearsal's directory, and the drill's counts against what was seeded.
import type { BackupEnvInput } from "../../infra/builders/backup/backup-env";
import type { DrillResult } from "../restore-drill/report";

export type BackupResult = "ok" | "failed" | "skipped";

export interface BackupStep {
  step: string;
  result: BackupResult;
  /** What it showed (ok) or the first error, one line. Never a secret. */
  detail: string;
}

export const backupFailed = (steps: readonly BackupStep[]) => steps.some((s) => s.result === "failed");

/**
 * The files a backup install script (infra/builders/backup/backup-install.ts) writes, by path:
 * each is one `printf '%s' 'BASE64' | base64 -d > 'PATH.new'` line.
 */
export function installedFiles(script: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of script.matchAll(/^printf '%s' '([A-Za-z0-9+/=]*)' \| base64 -d > '([^']+)\.new'/gm))
    files.set(m[2] as string, Buffer.from(m[1] as string, "base64").toString("utf8"));
  return files;
}

/**
 * The settings production installs, run here: every host path moved under `hostRoot` (where the
 * rehearsal maps the containers' bind mounts), the repository a local one. Container names, the
 * path inside the redis container, the user, the host name and the retention stay as planned.
 */
export function rehearsalBackupInput(
  prod: BackupEnvInput,
  o: { hostRoot: string; repository: string },
): BackupEnvInput {
  if (prod.runtime.kind !== "docker") throw new Error("the rehearsal runs the docker runtime only");
  const host = (p: string) => `${o.hostRoot.replace(/\/+$/, "")}${p}`;
  return {
    ...prod,
    ...(prod.pruning ? { pruning: { ...prod.pruning, dir: host(prod.pruning.dir) } } : {}),
    repository: o.repository,
    credentialsFile: host(prod.credentialsFile),
    cacheDir: host(prod.cacheDir),
    spoolDir: host(prod.spoolDir),
    drillDir: host(prod.drillDir),
    statusDir: host(prod.statusDir),
    runtime: {
      ...prod.runtime,
      jetstreamDir: host(prod.runtime.jetstreamDir),
      redisRdb: host(prod.runtime.redisRdb),
      stateDirs: prod.runtime.stateDirs.map((d) => ({ ...d, path: host(d.path) })),
    },
  };
}

export interface Seeded {
  /** db.schema.table, as the drill names it. */
  table: string;
  rows: number;
  stream: string;
  messages: number;
  redisKeys: number;
  /** Files per state directory, counted in the live containers after seeding. */
  stateFiles: Record<string, number>;
  /** Flag files (`execution/system.halt`) and whether they were there. */
  flags: Record<string, boolean>;
}

/** The drill's counts next to the seeded ones; ok only when every seeded store came back whole. */
export function compareDrill(seeded: Seeded, drill: DrillResult): { ok: boolean; detail: string } {
  const rows = drill.tables.find((t) => t.name === seeded.table)?.rows;
  const messages = drill.streams.find((s) => s.name === seeded.stream)?.messages;
  const parts: [string, number, number | undefined][] = [
    [`${seeded.table} rows`, seeded.rows, rows],
    [`${seeded.stream} messages`, seeded.messages, messages],
    ["redis keys", seeded.redisKeys, drill.redisKeys],
  ];
  const files: [string, number, number | "absent" | undefined][] = Object.entries(seeded.stateFiles).map(
    ([name, n]) => [`${name} files`, n, drill.stateDirs.find((d) => d.name === name)?.files],
  );
  const flags: [string, boolean, boolean | undefined][] = Object.entries(seeded.flags).map(([file, p]) => [
    file,
    p,
    drill.flags.find((f) => f.file === file)?.present,
  ]);
  const ok = [...parts, ...files, ...flags].every(([, want, got]) => want === got);
  const flagWord = (p: boolean | undefined) => (p === undefined ? "not reported" : p ? "present" : "absent");
  return {
    ok,
    detail: [
      ...[...parts, ...files].map(([what, want, got]) =>
        want === got ? `${what} ${got}` : `${what}: seeded ${want}, restored ${got ?? "none"}`,
      ),
      ...flags.map(([file, want, got]) =>
        want === got
          ? `${file} ${flagWord(got)}`
          : `${file}: seeded ${flagWord(want)}, restored ${flagWord(got)}`,
      ),
    ].join("; "),
  };
}

/** A container log as the Engine API sends it without a TTY: 8-byte frame headers, then text. */
export function demuxLogs(raw: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let i = 0;
  while (i + 8 <= raw.length) {
    const stream = raw[i];
    const size = raw.readUInt32BE(i + 4);
    const chunk = raw.subarray(i + 8, i + 8 + size);
    (stream === 2 ? err : out).push(chunk);
    i += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

/** The `requirepass` of a redis.conf (quoted or not), or undefined. */
export function requirepassOf(conf: string): string | undefined {
  const m = /^requirepass\s+"?([^"\s]+)"?\s*$/m.exec(conf);
  return m?.[1];
}

/** The last non-empty line of a program's stderr, for a one-line detail. */
export const lastLine = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1) ?? "";
