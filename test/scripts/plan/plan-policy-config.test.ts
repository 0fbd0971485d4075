// `npm run plan` refuses a policy config the CLI would refuse: exit 2, naming policy and field.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const repo = resolve(__dirname, "../../..");

function planWith(config: string) {
  const file = join(mkdtempSync(join(tmpdir(), "titan-policy-config-")), "config.json");
  writeFileSync(file, config);
  const run = spawnSync(
    join(repo, "node_modules/.bin/tsx"),
    [join(repo, "scripts/plan/index.ts"), "--policy-config", file],
    {
      cwd: repo,
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("npm run plan --policy-config", () => {
  it("exits 2 on settings that do not validate against the policy's schema, naming policy and field", () => {
    const run = planWith(
      '{"droplet-baseline":{"requireBackups":"yes"},"ssh-allowlist-only":{"maxPrefixV6":129}}',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "invalid policy pack config:\n" +
        "  droplet-baseline: requireBackups: Invalid type. Expected: boolean, given: string\n" +
        "  ssh-allowlist-only: maxPrefixV6: Must be less than or equal to 128\n",
    );
    expect(run.stdout).toBe("");
  });

  it("exits 2 on a level the engine does not know", () => {
    const run = planWith('{"all":"strict"}');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'parsing enforcement level for "all": "strict" is not a valid enforcement level',
    );
  });

  it("passes a valid config, warning about `level` and unknown names instead of failing", () => {
    const prod = JSON.parse(readFileSync(join(repo, "policy/config.prod.json"), "utf8"));
    const run = planWith(
      JSON.stringify({
        ...prod,
        "droplet-baseline": { requireBackups: true, level: "advisory" },
        "no-such-policy": "advisory",
      }),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      "policy config: no-such-policy: not a policy of this pack; the CLI ignores it",
    );
    expect(run.stderr).toContain(
      "policy config: droplet-baseline: level: deprecated and not an enforcement level",
    );
  });
});
