import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";

const repo = resolve(__dirname, "../../..");
const tsx = join(repo, "node_modules/.bin/tsx");

function plan(args: string[], cwd = repo) {
  const run = spawnSync(tsx, [join(repo, "scripts/plan/index.ts"), ...args], {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A scratch project: the repo's Pulumi.yaml and policy pack, with a stack file of our own. */
function scratchProject(stack: string, edit: (config: Record<string, unknown>) => void) {
  const dir = mkdtempSync(join(tmpdir(), "titan-plan-"));
  copyFileSync(join(repo, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
  const doc = parse(readFileSync(join(repo, "Pulumi.prod.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  edit(doc.config);
  writeFileSync(join(dir, `Pulumi.${stack}.yaml`), stringify(doc));
  symlinkSync(join(repo, "policy"), join(dir, "policy"));
  return { dir };
}

describe("npm run plan", () => {
  const json = plan(["--stack", "prod", "--json"]);

  it("exits 0 on prod and prints one JSON document of the agreed shape", () => {
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.resources.length).toBeGreaterThan(10);
    for (const r of doc.resources) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(["urn", "type", "name", "inputs", "options"]));
    }
    expect(doc.policy.mandatory).toBe(0);
    // Not even an advisory: a preview that always warns teaches operators to skip warnings.
    expect(doc.policy.violations).toEqual([]);
    expect(Array.isArray(doc.reachability)).toBe(true);
    expect(doc.cost.monthlyUsd).toBeGreaterThan(0);
    const trading = doc.resources.find((r: { name: string }) => r.name === "trading-droplet");
    expect(trading.options).toMatchObject({ protect: true });
  });

  it("never prints a secret value, fake or real, in JSON or text", () => {
    const text = plan(["--stack", "prod"]);
    expect(text.code).toBe(0);
    for (const out of [json.stdout, text.stdout]) {
      expect(out).not.toMatch(/offline-fake-/);
      expect(out).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    }
    expect(text.stdout).toContain("titan:bybitSecretKey: fake (not set)");
    expect(text.stdout).toMatch(/Verdict: PASS/);
  });

  it("keeps the internal ports off the internet in the reachability matrix", () => {
    const doc = JSON.parse(json.stdout) as {
      reachability: { droplet: string; port: number; exposure: string }[];
    };
    for (const row of doc.reachability) {
      if ([3100, 3002, 4222, 8222, 5432, 6379].includes(row.port))
        expect(["closed", "host", "vpc"]).toContain(row.exposure);
      if (row.droplet === "trading") expect(row.exposure).not.toBe("internet");
    }
    expect(doc.reachability.find((r) => r.droplet === "edge" && r.port === 22)?.exposure).toBe(
      "allow-listed",
    );
  });

  it("exits 1 when a mandatory policy fails (a prod stack with backups off)", () => {
    const { dir } = scratchProject("planted", (c) => {
      c["titan:backups"] = false;
    });
    const run = plan([
      "--stack",
      "planted",
      "--dir",
      dir,
      "--json",
      "--policy-config",
      join(repo, "policy/config.prod.json"),
    ]);
    expect(run.code, run.stderr).toBe(1);
    const doc = JSON.parse(run.stdout) as {
      policy: { mandatory: number; violations: { policy: string; level: string; message: string }[] };
    };
    expect(doc.policy.mandatory).toBeGreaterThan(0);
    const backups = doc.policy.violations.filter(
      (v) => v.policy === "droplet-baseline" && v.level === "mandatory",
    );
    expect(backups.map((v) => v.message).join("\n")).toMatch(/backups/i);
  });

  it("exits 2 on bad config, naming the key", () => {
    const { dir } = scratchProject("badcfg", (c) => {
      c["titan:sshAllowlist"] = ["0.0.0.0/0"];
    });
    const run = plan(["--stack", "badcfg", "--dir", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("titan:sshAllowlist[0]");
  });

  it("exits 2 on usage errors and on an unknown stack", () => {
    expect(plan(["--no-such-flag"]).code).toBe(2);
    const missing = plan(["--stack", "nosuchstack"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Pulumi\.nosuchstack\.yaml not found/);
  });

  it("--strict refuses to fake a required secret, as pulumi up would", () => {
    const run = plan(["--stack", "prod", "--strict"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("titan:bybitApiKey");
    // The provider's Spaces credentials: without them pulumi up fails at the backup bucket.
    expect(run.stderr).toContain("digitalocean:spacesAccessId");
    expect(run.stderr).toContain("digitalocean:spacesSecretKey");
  });

  it("fakes the Spaces credentials a stack file lacks, and refuses the secret one in plain text", () => {
    const text = plan(["--stack", "prod"]);
    expect(text.stdout).toContain("digitalocean:spacesAccessId: fake (not set)");
    expect(text.stdout).toContain("digitalocean:spacesSecretKey: fake (not set)");
    const { dir } = scratchProject("plainspaces", (c) => {
      c["digitalocean:spacesAccessId"] = "FAKESPACESACCESSID00";
      c["digitalocean:spacesSecretKey"] = "fake-plain-spaces-secret-in-the-file";
    });
    const run = plan(["--stack", "plainspaces", "--dir", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("digitalocean:spacesSecretKey: is stored in plain text in the stack file");
    expect(run.stderr).not.toContain("fake-plain-spaces-secret-in-the-file");
  });
});
