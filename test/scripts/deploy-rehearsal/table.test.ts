import { describe, expect, it } from "vitest";
import { localTag, standInKind } from "../../../scripts/deploy-rehearsal/stand-ins";
import { renderTable } from "../../../scripts/deploy-rehearsal/table";

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
