import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { rotate } from "../../../scripts/ops/rotate-command";
import { compareEpochs, quarterOf, setEpochInStackFile } from "../../../scripts/ops/rotation";
import { fakeRunner } from "./fake-runner";

const repositoryRoot = join(__dirname, "..", "..", "..");
const STACK_FILE = `# Prod stack: non-secret settings only.
config:
  titan:region: fra1 # the exchanges whitelist this region's egress
  # rotate quarterly with npm run rotate
  titan:rotationEpoch: 2026-Q3
  titan:sshAllowlist:
    - 203.0.113.10/32
`;

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function stackFile(text: string = STACK_FILE): string {
  const directory = mkdtempSync(join(tmpdir(), "titan-rotate-"));
  directories.push(directory);
  const path = join(directory, "Pulumi.prod.yaml");
  writeFileSync(path, text);
  return path;
}

describe("quarters", () => {
  it("maps months to quarters in UTC", () => {
    expect(quarterOf(new Date("2026-01-01T00:00:00Z"))).toBe("2026-Q1");
    expect(quarterOf(new Date("2026-06-30T23:59:59Z"))).toBe("2026-Q2");
    expect(quarterOf(new Date("2026-11-24T04:00:00Z"))).toBe("2026-Q4");
    expect(compareEpochs("2026-Q4", "2027-Q1")).toBeLessThan(0);
  });
});

describe("the printed rotation order", () => {
  it("lists the steps of the next pulumi up in order, with what restarts, from the program's tables", async () => {
    const path = stackFile();
    const lines: string[] = [];
    await rotate({ file: path, epoch: "2026-Q4", dryRun: true }, fakeRunner({}), (line) => lines.push(line));
    const output = lines.join("\n").split("\n");
    const start = output.indexOf(
      "Order of the next `pulumi up` (a client waits for its server; each container restarts once):",
    );
    expect(start).toBeGreaterThan(0);
    expect(output.slice(start + 1, start + 9)).toEqual([
      "  1) Postgres role titan altered in place (no restart of postgres: ALTER ROLE with a SCRAM verifier, psql on stdin); then restart brain, console-api*",
      "  2) nats (restart: new bcrypt hashes in nats.conf); then restart its clients: brain, execution, scavenger, hunter, sentinel, ai-quant, powerlaw-lab, console-api*",
      "  3) redis (restart: new requirepass in redis.conf); then restart its clients: brain",
      "  4) brain, execution, sentinel (restart, together: HMAC signing key of brain → execution commands)",
      "  5) brain, execution, console-api* (restart, no server: JWT_SECRET, SAFETY_SECRET, TITAN_EXECUTION_API_KEY, OPS_SECRET, INTERNAL_AUTH_SECRET)",
      "Expected restarts: nats, brain, execution, scavenger, hunter, sentinel, ai-quant, powerlaw-lab, redis, console-api*",
      "Not restarted: traefik, console, postgres, brain-gateway",
      "* only when titan:services lists it. Between a server's restart and its clients', clients log errors and reconnect; brain and execution stop trading for that time.",
    ]);
    // The secrets list comes before the order, the operator reminder after it.
    expect(output.findIndex((l) => l.startsWith("  - HMAC_SECRET"))).toBeLessThan(start);
    expect(output.findIndex((l) => l.startsWith("TITAN_MASTER_PASSWORD"))).toBeGreaterThan(start);
  });
});

describe("rotate --file", () => {
  it("moves the epoch, keeps comments and other keys, and names what will be renewed", async () => {
    const path = stackFile();
    const lines: string[] = [];
    const code = await rotate({ file: path, epoch: "2026-Q4", dryRun: false }, fakeRunner({}), (line) =>
      lines.push(line),
    );
    expect(code).toBe(0);
    const text = readFileSync(path, "utf8");
    expect(text).toBe(STACK_FILE.replace("2026-Q3", "2026-Q4"));
    const output = lines.join("\n");
    expect(output).toContain("2026-Q3 -> 2026-Q4");
    for (const secret of [
      "HMAC_SECRET",
      "JWT_SECRET",
      "SAFETY_SECRET",
      "NATS passwords",
      "POSTGRES_PASSWORD",
      "REDIS_PASSWORD",
    ]) {
      expect(output).toContain(secret);
    }
    expect(output).toContain("pulumi config set --secret titan:masterPassword");
  });

  it("leaves the file alone with --dry-run and when already at the target", async () => {
    const path = stackFile();
    await rotate({ file: path, epoch: "2026-Q4", dryRun: true }, fakeRunner({}), () => undefined);
    expect(readFileSync(path, "utf8")).toBe(STACK_FILE);
    const lines: string[] = [];
    await rotate({ file: path, epoch: "2026-Q2", dryRun: false }, fakeRunner({}), (line) => lines.push(line));
    expect(readFileSync(path, "utf8")).toBe(STACK_FILE);
    expect(lines.join("\n")).toContain("nothing to rotate");
  });

  it("adds the key when the stack file has none", () => {
    const { text, previous } = setEpochInStackFile("config:\n  titan:region: fra1\n", "2027-Q1");
    expect(previous).toBeUndefined();
    expect(text).toContain("titan:rotationEpoch: 2027-Q1");
  });
});

describe("rotate through pulumi config", () => {
  it("reads the current epoch and sets the new one on the chosen stack", async () => {
    const runner = fakeRunner({
      "pulumi config get titan:rotationEpoch --stack prod": { stdout: "2026-Q3\n" },
      "pulumi config set titan:rotationEpoch 2026-Q4 --stack prod": {},
    });
    const code = await rotate({ stack: "prod", epoch: "2026-Q4", dryRun: false }, runner, () => undefined);
    expect(code).toBe(0);
    expect(runner.calls).toContain("pulumi config set titan:rotationEpoch 2026-Q4 --stack prod");
  });

  it("fails clearly when pulumi is missing", async () => {
    await expect(
      rotate({ epoch: "2026-Q4", dryRun: false }, fakeRunner({}), () => undefined),
    ).rejects.toThrow(/--file/);
  });
});

describe("rotate CLI", () => {
  it("rejects a malformed epoch and edits a file end to end", () => {
    const tsx = join(repositoryRoot, "node_modules", "tsx", "dist", "cli.mjs");
    const script = join(repositoryRoot, "scripts", "ops", "rotate.ts");
    const path = stackFile();
    expect(() =>
      execFileSync(process.execPath, [tsx, script, "--file", path, "--epoch", "2026-Q5"], { stdio: "pipe" }),
    ).toThrow();
    const output = execFileSync(process.execPath, [tsx, script, "--file", path, "--epoch", "2027-Q1"], {
      encoding: "utf8",
    });
    expect(output).toContain("2026-Q3 -> 2027-Q1");
    expect(readFileSync(path, "utf8")).toContain("titan:rotationEpoch: 2027-Q1");
  });
});
