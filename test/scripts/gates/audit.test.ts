import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type AllowlistEntry,
  auditAllowlistSchema,
  decide,
  entryMatches,
  isPassing,
  readAuditOutput,
} from "../../../scripts/gates/audit-policy";

const repositoryRoot = join(__dirname, "..", "..", "..");
const fixture = (name: string): string => join(__dirname, "fixtures", name);
const scratch = mkdtempSync(join(tmpdir(), "titan-audit-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function allowlistFile(advisories: AllowlistEntry[]): string {
  const path = join(scratch, `allowlist-${advisories.length}-${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ advisories }));
  return path;
}

function runAudit(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const tsx = join(repositoryRoot, "node_modules", "tsx", "dist", "cli.mjs");
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [tsx, join(repositoryRoot, "scripts", "gates", "audit.ts"), ...args],
      (error, stdout) =>
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout }),
    );
  });
}

const accepted: AllowlistEntry = {
  id: "GHSA-aaaa-bbbb-cccc",
  reason: "only reachable through a parser we never feed untrusted input",
  expires: "2026-12-31",
};

describe("audit allow-list logic", () => {
  const outcome = readAuditOutput(readFileSync(fixture("audit-high.json"), "utf8"));
  const advisories = outcome.kind === "report" ? outcome.advisories : [];

  it("reads advisories from npm audit --json and skips transitive pointers", () => {
    expect(advisories.map((advisory) => `${advisory.package}:${advisory.severity}`)).toEqual([
      "yaml:high",
      "commander:moderate",
    ]);
  });

  it("blocks high advisories, ignores those below the threshold", () => {
    const decision = decide(advisories, [], "high", "2026-11-24");
    expect(decision.blocking.map((advisory) => advisory.source)).toEqual([1100200]);
    expect(isPassing(decision)).toBe(false);
    expect(isPassing(decide(advisories, [], "critical", "2026-11-24"))).toBe(true);
  });

  it("accepts an advisory covered by a live entry (by GHSA id, npm source id or url)", () => {
    expect(isPassing(decide(advisories, [accepted], "high", "2026-11-24"))).toBe(true);
    const [high] = advisories;
    if (high === undefined) throw new Error("fixture has no advisory");
    expect(entryMatches({ ...accepted, id: 1100200 }, high)).toBe(true);
    expect(entryMatches({ ...accepted, id: undefined, url: high.url }, high)).toBe(true);
    expect(entryMatches({ ...accepted, package: "other" }, high)).toBe(false);
  });

  it("fails on an expired entry, even when nothing else is wrong", () => {
    const expired = { ...accepted, expires: "2026-11-23" };
    const decision = decide([], [expired], "high", "2026-11-24");
    expect(decision.expiredEntries).toEqual([expired]);
    expect(isPassing(decision)).toBe(false);
    expect(isPassing(decide([], [{ ...accepted, expires: "2026-11-24" }], "high", "2026-11-24"))).toBe(true);
  });

  it("requires a reason and an expiry date on every entry", () => {
    expect(
      auditAllowlistSchema.safeParse({ advisories: [{ id: "GHSA-x", reason: "ok", expires: "2026-12-31" }] })
        .success,
    ).toBe(false);
    expect(
      auditAllowlistSchema.safeParse({ advisories: [{ id: "GHSA-x", reason: "long enough reason" }] })
        .success,
    ).toBe(false);
    expect(
      auditAllowlistSchema.safeParse({
        advisories: [{ reason: "long enough reason", expires: "2026-12-31" }],
      }).success,
    ).toBe(false);
  });

  it("tells an unreachable endpoint from a real failure", () => {
    const read = (name: string) => readAuditOutput(readFileSync(fixture(name), "utf8")).kind;
    expect(read("audit-endpoint-405.json")).toBe("unreachable");
    expect(read("audit-offline.json")).toBe("unreachable");
    expect(read("audit-unauthorized.json")).toBe("error");
    expect(readAuditOutput("npm ERR! not json").kind).toBe("error");
  });
});

describe("npm run audit (the CLI, on recorded npm audit output)", () => {
  it("fails on a planted high-severity advisory and names it", async () => {
    const result = await runAudit(["--input", fixture("audit-high.json"), "--allowlist", allowlistFile([])]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("BLOCKING  high     yaml");
  });

  it("passes when that advisory is allow-listed, fails again once the entry expires", async () => {
    const live = await runAudit([
      "--input",
      fixture("audit-high.json"),
      "--allowlist",
      allowlistFile([accepted]),
      "--today",
      "2026-11-24",
    ]);
    expect(live.code).toBe(0);
    expect(live.stdout).toContain("accepted  high     yaml");
    const late = await runAudit([
      "--input",
      fixture("audit-high.json"),
      "--allowlist",
      allowlistFile([accepted]),
      "--today",
      "2027-01-01",
    ]);
    expect(late.code).toBe(1);
    expect(late.stdout).toContain("EXPIRED");
  });

  it("reports an unreachable endpoint without failing, and says no data was checked", async () => {
    const result = await runAudit([
      "--input",
      fixture("audit-endpoint-405.json"),
      "--allowlist",
      allowlistFile([]),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("SKIPPED, NOT PASSED");
  });

  it("fails on a non-network npm audit error", async () => {
    const result = await runAudit([
      "--input",
      fixture("audit-unauthorized.json"),
      "--allowlist",
      allowlistFile([]),
    ]);
    expect(result.code).toBe(1);
  });

  it("passes on a clean report with the repository's allow-list", async () => {
    const result = await runAudit(["--input", fixture("audit-clean.json")]);
    expect(result.code).toBe(0);
  });
});
