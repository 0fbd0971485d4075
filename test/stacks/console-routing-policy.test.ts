// The whole policy pack, over the engine protocol (`npm run plan`), on stacks with console-api
// enabled: the plan of Pulumi.prod.yaml never enables it, so its router and the gateway's
// credential routes would otherwise never meet the pack. The committed brainPathPrefixes accept
// them; a list without console-api's prefix refuses its router.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";

const repo = resolve(__dirname, "../..");
const dirs: string[] = [];

interface Plan {
  code: number | null;
  doc: {
    policy: { mandatory: number; violations: { policy: string; message: string; level: string }[] };
    resources: { name: string; inputs: Record<string, unknown> }[];
  };
}

/** `npm run plan -- --json` on a copy of a stack's settings with console-api enabled. */
function planWithConsoleApi(stack: "prod" | "single", policyConfig?: Record<string, unknown>): Plan {
  const dir = mkdtempSync(join(tmpdir(), "titan-console-routing-"));
  dirs.push(dir);
  copyFileSync(join(repo, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
  const doc = parse(readFileSync(join(repo, `Pulumi.${stack}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  doc.config["titan:services"] = ["titan-console-api"];
  doc.config["titan:serviceImages"] = {
    "titan-console-api": "ghcr.io/example-operator/titan-console-api:v1.0.0",
  };
  writeFileSync(join(dir, `Pulumi.${stack}.yaml`), stringify(doc));
  symlinkSync(join(repo, "policy"), join(dir, "policy"));
  const args = [join(repo, "scripts/plan/index.ts"), "--stack", stack, "--json", "--dir", dir];
  if (policyConfig) {
    const file = join(dir, "policy-config.json");
    writeFileSync(file, JSON.stringify(policyConfig));
    args.push("--policy-config", file);
  }
  const run = spawnSync(join(repo, "node_modules/.bin/tsx"), args, {
    cwd: dir,
    encoding: "utf8",
    timeout: 240_000,
  });
  if (!run.stdout.trim().startsWith("{")) throw new Error(`plan printed no JSON: ${run.stderr}`);
  return { code: run.status, doc: JSON.parse(run.stdout) };
}

/** The dynamic config Traefik's carrier uploads, as the plan shows it. */
function traefikDynamic(plan: Plan): string {
  // The carrier container, not the volume of the same name.
  const carrier = plan.doc.resources.find((r) => /traefik-config$/.test(r.name) && r.inputs.uploads);
  const uploads = (carrier?.inputs.uploads ?? []) as { file: string; content: unknown }[];
  return String(uploads.find((u) => u.file === "/etc/traefik/dynamic/titan.yml")?.content);
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("the policy pack on stacks that run console-api", () => {
  it.each(["prod", "single"] as const)(
    "%s: console-api's route to the gateway passes every mandatory policy",
    (stack) => {
      const plan = planWithConsoleApi(stack);
      const traefik = plan.doc.policy.violations.filter((v) => v.policy === "traefik-config-safe");
      expect(traefik).toEqual([]);
      expect([plan.code, plan.doc.policy.mandatory]).toEqual([0, 0]);
      expect(traefikDynamic(plan)).toContain("PathPrefix(`/api/credentials`)");
    },
  );

  it("refuses console-api's router when brainPathPrefixes leaves its prefix out", () => {
    const config = JSON.parse(readFileSync(join(repo, "policy/config.prod.json"), "utf8"));
    config["traefik-config-safe"].brainPathPrefixes = config["traefik-config-safe"].brainPathPrefixes.filter(
      (p: string) => p !== "/api/credentials",
    );
    const plan = planWithConsoleApi("prod", config);
    const messages = plan.doc.policy.violations
      .filter((v) => v.policy === "traefik-config-safe")
      .map((v) => v.message);
    expect(plan.code).toBe(1);
    expect(messages).toEqual([
      expect.stringContaining(
        "http service 'console-api' (brain port 3100): router 'console-api': its rule has PathPrefix(`/api/credentials`), which is not a Path/PathPrefix inside brainPathPrefixes",
      ),
    ]);
  });
});
