import { describe, expect, it } from "vitest";
import { ConfigError } from "../../infra/config/errors";
import { assertBenchReplicasAllowed, parseStackConfig } from "../../infra/config/parse";
import { runStack } from "../support/offline-stack";
import { fakeOperatorSecrets, validPlainValues, validRawConfig } from "../support/stack-config";

function withReplicas(text: string | undefined) {
  const raw = validRawConfig();
  if (text !== undefined) (raw.values as Record<string, string>).benchReplicas = text;
  return raw;
}

function refusalOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("was accepted");
}

describe("titan:benchReplicas", () => {
  it("defaults to one copy", () => {
    expect(parseStackConfig(withReplicas(undefined)).benchReplicas).toBe(1);
  });

  it.each(["1", "10", "100"])("accepts %s", (n) => {
    expect(parseStackConfig(withReplicas(n)).benchReplicas).toBe(Number(n));
  });

  it.each(["0", "101", "2.5", "ten"])("refuses %s with the key, the value and the fix", (n) => {
    const err = refusalOf(() => parseStackConfig(withReplicas(n)));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ key: "titan:benchReplicas", value: n });
    expect(err.problems[0]?.fix).toMatch(/pulumi config rm titan:benchReplicas/);
  });

  it.each(["prod", "single", "staging", "my-bench"])("refuses more than one copy on stack %s", (stack) => {
    const err = refusalOf(() => assertBenchReplicasAllowed(50, stack));
    expect(err.problems[0]).toMatchObject({ key: "titan:benchReplicas", value: "50" });
    expect(err.message).toContain(`stack '${stack}'`);
    expect(err.message).toContain("Fix: pulumi config rm titan:benchReplicas");
  });

  it.each(["bench", "bench10", "bench50"])(
    "accepts many copies on stack %s, and one copy anywhere",
    (stack) => {
      expect(() => assertBenchReplicasAllowed(50, stack)).not.toThrow();
      expect(() => assertBenchReplicasAllowed(1, "prod")).not.toThrow();
    },
  );
});

describe("the program with titan:benchReplicas", () => {
  const values = { ...validPlainValues("split"), ...fakeOperatorSecrets() };
  const secretKeys = Object.keys(fakeOperatorSecrets());

  it("refuses 2 copies on prod before registering any resource", async () => {
    await expect(runStack({ ...values, benchReplicas: "2" }, secretKeys, "prod")).rejects.toThrow(
      /titan:benchReplicas/,
    );
  });

  it("composes N independent copies with prefixed names on a bench stack", async () => {
    const one = await runStack(values, secretKeys, "bench");
    const three = await runStack({ ...values, benchReplicas: "3" }, secretKeys, "bench3");
    expect(three.resources).toHaveLength(one.resources.length * 3);
    const names = three.resources.map((r) => r.name);
    expect(new Set(three.resources.map((r) => r.urn)).size).toBe(three.resources.length);
    for (const prefix of ["r1-", "r2-", "r3-"]) {
      expect(names.filter((n) => n.startsWith(prefix))).toHaveLength(one.resources.length);
    }
    const droplets = three.find.all("digitalocean:index/droplet:Droplet").map((d) => d.inputs.name);
    expect(new Set(droplets).size).toBe(6);
  });
});
