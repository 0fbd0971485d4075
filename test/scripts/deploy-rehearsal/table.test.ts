import { describe, expect, it } from "vitest";
import { localTag, standInKind } from "../../../scripts/deploy-rehearsal/stand-ins";
import { renderBackupTable, renderTable } from "../../../scripts/deploy-rehearsal/table";

describe("renderTable", () => {
  it("prints one aligned row per container and a verdict line", () => {
    expect(
      renderTable([
        {
          container: "nats-config",
          created: "ok",
          started: "not started (start: false)",
          healthy: "not started (start: false)",
          firstError: "",
        },
        {
          container: "titan-console",
          created: "ok",
          started: "ok",
          healthy: "failed",
          firstError: "state restarting (exit 1);\n logs: read-only",
        },
      ]),
    ).toBe(
      [
        "container      created  started                     healthy                     first error",
        "-------------  -------  --------------------------  --------------------------  ------------------------------------------",
        "nats-config    ok       not started (start: false)  not started (start: false)",
        "titan-console  ok       ok                          failed                      state restarting (exit 1); logs: read-only",
        "",
        "1 of 2 container(s) failed.",
      ].join("\n"),
    );
  });

  it("says all passed when every step did", () => {
    expect(
      renderTable([{ container: "redis", created: "ok", started: "ok", healthy: "ok", firstError: "" }])
        .split("\n")
        .at(-1),
    ).toBe("1 container(s): all created, started and healthy as planned.");
  });
});

describe("renderBackupTable", () => {
  it("prints step / result / detail and a verdict line", () => {
    expect(
      renderBackupTable([
        { step: "titan-backup run", result: "ok", detail: "backup complete" },
        {
          step: "titan-backup drill latest",
          result: "failed",
          detail: "pg_restore: error:\n already exists",
        },
        { step: "counts", result: "skipped", detail: "an earlier step failed" },
      ]),
    ).toBe(
      [
        "backup step                result   detail",
        `-------------------------  -------  ${"-".repeat(33)}`,
        "titan-backup run           ok       backup complete",
        "titan-backup drill latest  failed   pg_restore: error: already exists",
        "counts                     skipped  an earlier step failed",
        "",
        "backup: 1 of 3 step(s) failed.",
      ].join("\n"),
    );
  });

  it("says the backup round trip passed only when every step is ok", () => {
    expect(
      renderBackupTable([{ step: "a", result: "ok", detail: "" }])
        .split("\n")
        .at(-1),
    ).toBe("backup: 1 step(s) ok: the docker runtime backed up and restored what was seeded.");
    expect(
      renderBackupTable([{ step: "a", result: "skipped", detail: "" }])
        .split("\n")
        .at(-1),
    ).toBe("backup: 0 of 1 step(s) failed.");
  });
});

describe("stand-in images", () => {
  it("maps each plan reference to its stand-in and a local tag (Docker refuses digest tags)", () => {
    expect(standInKind("traefik@sha256:31bb")).toBe("traefik");
    expect(standInKind("nginxinc/nginx-unprivileged@sha256:0ae3")).toBe("nginx-unprivileged");
    expect(standInKind("ghcr.io/peycheff-com/titan-trading-system/titan-console@sha256:dabc")).toBe(
      "titan-console",
    );
    expect(standInKind("ghcr.io/peycheff-com/titan-trading-system/titan-execution-rs@sha256:e3e8")).toBe(
      "titan-execution",
    );
    expect(standInKind("ghcr.io/peycheff-com/titan-trading-system/titan-brain@sha256:071d")).toBe(
      "titan-node",
    );
    expect(() => standInKind("mysql@sha256:1")).toThrow(
      "no stand-in for image 'mysql@sha256:1'. Fix: add one in scripts/deploy-rehearsal/stand-ins.ts",
    );
    // biome-ignore lint/security/noSecrets: an API path and a fake digest, not secrets
    expect(localTag("traefik@sha256:31bb3f45dd565efcb20fe3e9882eed37")).toBe(
      "rehearsal/traefik:31bb3f45dd56",
    );
  });
});
