import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";

const repo = resolve(__dirname, "../../..");
const tsx = join(repo, "node_modules/.bin/tsx");
const scratch = mkdtempSync(join(tmpdir(), "titan-plan-against-"));
const oldJson = join(scratch, "old.json");

function plan(args: string[]) {
  const run = spawnSync(tsx, [join(repo, "scripts/plan/index.ts"), ...args], {
    cwd: repo,
    encoding: "utf8",
    timeout: 180_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A project dir with the repo's Pulumi.yaml and pack, and Pulumi.prod.yaml with `edit` applied. */
function prodWith(name: string, edit: (config: Record<string, unknown>) => void): string {
  const dir = join(scratch, name);
  spawnSync("mkdir", ["-p", dir]);
  copyFileSync(join(repo, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
  symlinkSync(join(repo, "policy"), join(dir, "policy"));
  const doc = parse(readFileSync(join(repo, "Pulumi.prod.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  edit(doc.config);
  writeFileSync(join(dir, "Pulumi.prod.yaml"), stringify(doc));
  return dir;
}

/** Every Titan image the prod stack runs, by container resource name (from the old plan). */
function titanContainers(): string[] {
  const doc = JSON.parse(readFileSync(oldJson, "utf8")) as {
    resources: { type: string; name: string; inputs: { image?: string; start?: boolean } }[];
  };
  return doc.resources
    .filter(
      (r) => r.type === "docker:index/container:Container" && /\/titan-[^/@]+@/.test(r.inputs.image ?? ""),
    )
    .map((r) => r.name)
    .sort();
}

beforeAll(() => {
  const old = plan(["--stack", "prod", "--json"]);
  expect(old.code, old.stderr).toBe(0);
  writeFileSync(oldJson, old.stdout);
}, 200_000);

describe("npm run plan -- --against OLD.json", () => {
  it("a release change (titan:release to another SHA) replaces every Titan container, services after their carriers", () => {
    const dir = prodWith("release", (c) => {
      c["titan:release"] = "0123456789abcdef0123456789abcdef01234567";
    });
    const run = plan(["--stack", "prod", "--dir", dir, "--against", oldJson]);
    expect(run.code, run.stderr).toBe(0);
    const text = run.stdout.slice(run.stdout.indexOf("Changes against"));
    const titan = titanContainers();
    expect(titan).toEqual(
      expect.arrayContaining(["trading-titan-brain", "trading-titan-execution", "edge-titan-console"]),
    );
    for (const name of titan)
      expect(text).toMatch(
        new RegExp(
          `\\+- docker:index/container:Container  ${name}  replace  \\[diff: ~image\\] \\[delete-before-replace\\]`,
        ),
      );
    // The stores run other images: untouched by a Titan release.
    for (const name of ["trading-nats", "trading-postgres", "trading-redis"])
      expect(text).not.toContain(`  ${name}  `);
    // Each Titan container, and each service's RemoteImage (its name carries the new digest).
    const services = titan.filter((n) => !n.endsWith("-config"));
    expect(text).toContain(`  +-${titan.length + services.length} to replace`);
    // Waves from the graph: images, then the config carriers, then the services that mount them.
    const waves = text
      .slice(text.indexOf("Replacement order"))
      .split("\n")
      .filter((l) => /^ {2}\d\. /.test(l));
    expect(waves).toHaveLength(3);
    expect(waves[0]).toContain("trading-titan-brain-image");
    expect(waves[1]).toContain("trading-titan-brain-config");
    expect(waves[2]).toContain("trading-titan-brain");
    expect(waves[2]).not.toContain("-config");
    expect(text).toMatch(
      /\n {2}trading-titan-brain: ~\d+ s expected \(stop \d+ \+ remove \d+ \+ healthy \d+\), at most 590 s \(stopTimeout 30 \+ waitTimeout 560\) before pulumi up fails\n/,
    );
    expect(text).toContain("  trading-titan-brain-config: none (never started: a config carrier)");
    expect(text).not.toContain("replacement rule unknown");
  }, 200_000);

  it("the same config says nothing changes", () => {
    const run = plan(["--stack", "prod", "--against", oldJson]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      `Changes against ${oldJson} (as pulumi preview would show them):\n  no changes: every resource is unchanged`,
    );
    expect(run.stdout).toContain("  +-0 to replace");
  }, 200_000);

  it("an added service shows as created, and the configs that route to it replace Traefik and the gateway", () => {
    const dir = prodWith("added", (c) => {
      c["titan:services"] = ["titan-console-api"];
      c["titan:serviceImages"] = {
        "titan-console-api": `ghcr.io/acme/titan-console-api@sha256:${"ab".repeat(32)}`,
      };
    });
    const run = plan(["--stack", "prod", "--dir", dir, "--json", "--against", oldJson]);
    const doc = JSON.parse(run.stdout) as {
      verdict: string;
      against: { diff: { changes: { name: string; op: string; replaceReasons: string[] }[] } };
    };
    // --against reports; the exit code stays the policy verdict.
    expect(run.code).toBe(doc.verdict === "pass" ? 0 : 1);
    const ops = new Map(doc.against.diff.changes.map((c) => [c.name, c]));
    expect(ops.get("trading-titan-console-api")?.op).toBe("create");
    expect(ops.get("trading-titan-console-api-image")?.op).toBe("create");
    expect(ops.get("edge-traefik")).toMatchObject({ op: "replace", replaceReasons: ["labels"] });
  }, 200_000);

  it("a malformed OLD.json exits 2 naming the problem, before the program runs", () => {
    const bad = join(scratch, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({ stack: "prod", project: "titan-infra", resources: [{ urn: "nats" }] }),
    );
    const run = plan(["--stack", "prod", "--against", bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `--against ${bad}: not the output of \`npm run plan -- --json\`: resources.0.urn: Invalid string: must start with "urn:pulumi:"\n`,
    );
    const other = join(scratch, "dev.json");
    writeFileSync(other, JSON.stringify({ stack: "dev", project: "titan-infra", resources: [] }));
    const wrongStack = plan(["--stack", "prod", "--against", other]);
    expect(wrongStack.code).toBe(2);
    expect(wrongStack.stderr).toBe(
      `--against ${other}: a plan of stack 'dev', not 'prod': every URN would differ\n`,
    );
  }, 60_000);
});
