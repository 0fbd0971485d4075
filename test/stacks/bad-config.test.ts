import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../../infra/config/errors";
import { runStack } from "../support/offline-stack";
import { fakeProviderConfig, type ProviderConfig, validRawConfig } from "../support/stack-config";

function registeredCount(): Promise<number> {
  const settings = require("@pulumi/pulumi/runtime/settings") as {
    getMonitor(): { getRegisteredResources(): Map<string, unknown> };
    waitForRPCs(): Promise<void>;
  };
  // Let any registration already started reach the mock monitor before counting.
  return settings.waitForRPCs().then(() => settings.getMonitor().getRegisteredResources().size);
}

const cases: [string, (v: Record<string, string>, secret: Set<string>) => void, string][] = [
  [
    "an SSH allow-list open to the world",
    (v) => (v.sshAllowlist = JSON.stringify(["0.0.0.0/0"])),
    "titan:sshAllowlist[0]",
  ],
  ["a public VPC range", (v) => (v.vpcCidr = "100.64.0.0/16"), "titan:vpcCidr"],
  ["a missing exchange secret", (v) => delete v.bybitSecretKey, "titan:bybitSecretKey"],
  ["a plain-text master password", (_v, s) => s.delete("masterPassword"), "titan:masterPassword"],
  ["an unknown topology", (v) => (v.topology = "multi"), "titan:topology"],
];

describe("the program registers no resource when config is invalid", () => {
  it.each(cases)("%s", async (_label, spoil, key) => {
    const raw = validRawConfig();
    spoil(raw.values, raw.secretKeys);
    let captured: unknown;
    // runStack throws before returning; resources are counted through the capture it installs.
    await runStack(raw.values, raw.secretKeys).catch((err: unknown) => {
      captured = err;
    });
    expect(captured).toBeInstanceOf(ConfigError);
    expect((captured as ConfigError).message).toContain(key);
    expect(await registeredCount()).toBe(0);
  });
});

// pulumi preview passes without them; pulumi up would fail at the backup bucket after the droplets.
describe("the program registers nothing without the Spaces credentials the backup bucket needs", () => {
  afterEach(() => vi.unstubAllEnvs());
  const run = async (provider: ProviderConfig) => {
    vi.stubEnv("SPACES_ACCESS_KEY_ID", "");
    vi.stubEnv("SPACES_SECRET_ACCESS_KEY", "");
    const raw = validRawConfig();
    return runStack(raw.values, raw.secretKeys, "prod", provider).then(
      () => undefined,
      (err: unknown) => err,
    );
  };

  it("refuses a stack with neither, naming both keys", async () => {
    const err = await run({ values: {}, secretKeys: [] });
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.key)).toEqual([
      "digitalocean:spacesAccessId",
      "digitalocean:spacesSecretKey",
    ]);
    expect(await registeredCount()).toBe(0);
  });

  it("refuses the Spaces secret key in plain text, alongside the Titan keys' problems", async () => {
    const fake = fakeProviderConfig();
    vi.stubEnv("SPACES_ACCESS_KEY_ID", "");
    const raw = validRawConfig();
    raw.values.topology = "multi";
    const err = await runStack(raw.values, raw.secretKeys, "prod", { ...fake, secretKeys: [] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as ConfigError).problems.map((p) => p.key)).toEqual([
      "titan:topology",
      "digitalocean:spacesSecretKey",
    ]);
    expect((err as ConfigError).message).not.toContain(fake.values["digitalocean:spacesSecretKey"]);
    expect(await registeredCount()).toBe(0);
  });

  it("accepts them from the environment, as the provider reads them", async () => {
    vi.stubEnv("SPACES_ACCESS_KEY_ID", "FAKESPACESACCESSID00");
    vi.stubEnv("SPACES_SECRET_ACCESS_KEY", "fake-env-spaces-secret");
    const raw = validRawConfig();
    const stack = await runStack(raw.values, raw.secretKeys, "prod", { values: {}, secretKeys: [] });
    expect(stack.find.all("digitalocean:index/spacesBucket:SpacesBucket")).toHaveLength(1);
  });
});
