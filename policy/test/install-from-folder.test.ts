// The pack as the CLI meets it when it is installed on its own (`pulumi policy publish`, or a
// checkout of policy/ alone): copied without this workspace, installed from its own package.json and
// lockfile, started through its own @pulumi/pulumi with its own ts-node and TypeScript. Without
// typescript and ts-node declared here, run-policy-pack falls back to its vendored TypeScript 3.8.3.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PolicyPackSession, startPolicyPack } from "../../scripts/engine/policy-engine";
import { policies } from "../policies";
import { firewall } from "./fixtures";

const PACK = resolve(__dirname, "..");
const SKIP = new Set(["node_modules", "test", "vitest.mutation.config.ts"]);

let copy = "";
let pack: PolicyPackSession | undefined;

beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), "titan-pack-alone-"));
  for (const entry of readdirSync(PACK)) {
    if (!SKIP.has(entry)) cpSync(join(PACK, entry), join(copy, entry), { recursive: true });
  }
  // npm ci fails if package.json and the committed lockfile disagree; the cache from the
  // workspace's own `npm ci` serves what it can.
  execFileSync("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: copy,
    stdio: ["ignore", "ignore", "pipe"],
    timeout: 240_000,
  });
  pack = await startPolicyPack({
    packDir: copy,
    stack: "prod",
    fromPackModules: true,
    startTimeoutMs: 120_000,
  });
}, 400_000);

afterAll(async () => {
  await pack?.close();
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe("the pack installed and loaded from its own folder", () => {
  it("type-checks with its own pinned TypeScript and ts-node, not the vendored fallback", () => {
    const manifest = JSON.parse(readFileSync(join(PACK, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    for (const name of ["typescript", "ts-node"]) {
      const found = require.resolve(`${name}/package.json`, { paths: [copy] });
      expect(found.startsWith(join(copy, "node_modules"))).toBe(true);
      const installed = JSON.parse(readFileSync(found, "utf8")) as { version: string };
      expect(installed.version).toBe(manifest.dependencies[name]);
    }
  });

  it("serves every policy of the registry", async () => {
    const info = await (pack as PolicyPackSession).info();
    expect(info.name).toBe("titan-policy");
    expect(info.policies.map((p) => p.name).sort()).toEqual(policies.map((p) => p.name).sort());
  });

  it("judges a resource: public SSH is refused", async () => {
    const diagnostics = await (pack as PolicyPackSession).analyze(
      firewall(
        "edge-fw",
        ["titan-edge"],
        [{ protocol: "tcp", portRange: "22", sourceAddresses: ["0.0.0.0/0"] }],
      ),
    );
    expect(diagnostics.map((d) => d.policyName)).toContain("ssh-allowlist-only");
  });
});
