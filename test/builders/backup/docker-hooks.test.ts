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
});
