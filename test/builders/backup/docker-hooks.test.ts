// The docker runtime's store hooks as bash runs them: backup.env sourced with `docker` replaced by
// a function that records its argv, so each hook's call is checked without an engine. What the
// engine and the real images do with those calls is the deploy rehearsal's part
// (scripts/deploy-rehearsal/backup-run.ts).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { buildBackupEnv } from "../../../infra/builders/backup/backup-env";
import { tradingBackupEnvInput } from "../../../infra/builders/backup/trading-host";

const env = buildBackupEnv(
  tradingBackupEnvInput({
    repository: "s3:https://fra1.digitaloceanspaces.com/titan-test-backups/restic",
    label: "test",
    retention: { daily: 7, weekly: 4, monthly: 6 },
  }),
);

/** The argv of every docker call a hook makes (one array per call; the hooks discard stdout). */
function dockerCalls(hook: string): string[][] {
  const script = `
set -eu
exec 3>&1
${env}
mkdir() { :; }
docker() {
  if [ "$1" = inspect ]; then echo "postgres@sha256:0123"; return; fi
  printf '%s\\0' "$@" >&3; printf '\\n' >&3
}
${hook}
`;
  const r = spawnSync("bash", ["-c", script], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`hook failed: ${r.stderr}`);
  return r.stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split("\0").filter((a, i, all) => i < all.length - 1 || a !== ""));
}

/** `-e NAME=value` pairs of a docker run argv. */
function envOf(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  argv.forEach((a, i) => {
    if (a !== "-e") return;
    const [k, ...v] = (argv[i + 1] ?? "").split("=");
    out.set(k as string, v.join("="));
  });
  return out;
}

describe("docker runtime hooks", () => {
  it("the scratch Postgres creates no database a dump restores with --create", () => {
    // The postgres image's entrypoint creates POSTGRES_DB, which defaults to POSTGRES_USER (titan).
    // pg_restore --create then fails: `ERROR: database "titan" already exists` (seen by the deploy
    // rehearsal on the first drill through a real engine). Only `postgres` is never created.
    const [run] = dockerCalls("PG_USER=titan; scratch_pg_start /scratch");
    expect(run?.slice(0, 2)).toEqual(["run", "-d"]);
    const e = envOf(run ?? []);
    expect(e.get("POSTGRES_USER")).toBe("titan");
    expect(e.get("POSTGRES_DB") ?? e.get("POSTGRES_USER")).toBe("postgres");
    expect(e.get("POSTGRES_HOST_AUTH_METHOD")).toBe("trust");
  });

  it("scratch containers have no network and borrow the live container's image", () => {
    for (const hook of ["scratch_pg_start /s", "scratch_nats_start /s", "scratch_redis_start /s"]) {
      const run = dockerCalls(hook)[0] ?? [];
      expect(run[run.indexOf("--network") + 1], hook).toBe("none");
      expect(run[run.indexOf("--name") + 1], hook).toMatch(/^titan-drill-(postgres|nats|redis)$/);
      expect(run).toContain("postgres@sha256:0123");
    }
  });

  it("pauses and resumes the container of each live database by name, and never brain", () => {
    for (const [name, container] of [
      ["execution", "titan-execution"],
      ["ai-quant", "titan-ai-quant"],
      ["powerlaw-lab", "titan-powerlaw-lab"],
    ]) {
      expect(dockerCalls(`state_freeze ${name}; state_thaw ${name}`)).toEqual([
        ["pause", container],
        ["unpause", container],
      ]);
    }
    // brain is copied live: no hook pauses it, and asking fails without a docker call.
    expect(dockerCalls("if state_freeze brain || state_thaw brain; then exit 9; fi")).toEqual([]);
    expect(env).toContain(
      "STATE_DIRS='execution:/mnt/titan-data/execution:pause ai-quant:/mnt/titan-data/ai-quant:pause powerlaw-lab:/mnt/titan-data/powerlaw-lab:pause brain:/mnt/titan-data/brain:live'",
    );
    expect(env).toContain("STATE_FLAGS='execution/system.halt execution/execution.armed'");
    expect(env).toContain(
      "PRUNE_DIR='/mnt/titan-data/brain/backups'\nPRUNE_KEEP_DAYS=7\nPRUNE_KEEP_NEWEST=60",
    );
  });
});

describe("state directory settings", () => {
  const input = tradingBackupEnvInput({
    repository: "s3:https://fra1.digitaloceanspaces.com/titan-test-backups/restic",
    label: "test",
    retention: { daily: 7, weekly: 4, monthly: 6 },
  });
  const withRuntime = (over: object) =>
    buildBackupEnv({ ...input, runtime: { ...input.runtime, ...over } as typeof input.runtime });

  it("prunes nothing outside a state directory", () => {
    expect(() =>
      buildBackupEnv({ ...input, pruning: { dir: "/mnt/titan-data/postgres", keepDays: 7, keepNewest: 60 } }),
    ).toThrow(
      "pruning.dir: '/mnt/titan-data/postgres' is not inside one of the state directories; nothing else is pruned",
    );
    expect(() =>
      buildBackupEnv({ ...input, pruning: { dir: "/mnt/titan-data/brain", keepDays: 7, keepNewest: 60 } }),
    ).toThrow("is not inside one of the state directories");
    expect(() =>
      buildBackupEnv({
        ...input,
        pruning: { dir: "/mnt/titan-data/brain/backups", keepDays: 7, keepNewest: 0 },
      }),
    ).toThrow("pruning.keepNewest: 0 is not a positive whole number");
    expect(buildBackupEnv({ ...input, pruning: undefined } as typeof input)).toContain("PRUNE_DIR=''");
  });

  it("refuses names, paths and flags that the script's word lists could not carry", () => {
    expect(() => withRuntime({ stateDirs: [{ name: "a b", path: "/x" }] })).toThrow(
      "stateDirs: 'a b' is not a plain directory name",
    );
    expect(() => withRuntime({ stateDirs: [{ name: "a", path: "/x:y" }] })).toThrow(
      "stateDirs.a: '/x:y' is not an absolute path",
    );
    expect(() => withRuntime({ stateDirs: [{ name: "a", path: "/x", flags: ["../halt"] }] })).toThrow(
      "flag '../halt' is not a plain file name",
    );
    expect(() => withRuntime({ stateDirs: [{ name: "a", path: "/x", pauseContainer: "Bad Name" }] })).toThrow(
      "stateDirs.a.pauseContainer: 'Bad Name' is not a container name",
    );
    expect(() =>
      withRuntime({
        stateDirs: [
          { name: "a", path: "/x" },
          { name: "a", path: "/y" },
        ],
      }),
    ).toThrow("stateDirs: 'a' is listed twice");
  });
});
