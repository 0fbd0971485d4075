import { describe, expect, it } from "vitest";
import { ConfigError } from "../../infra/config/errors";
import { runStack } from "../support/offline-stack";
import { validRawConfig } from "../support/stack-config";

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
    const settings = require("@pulumi/pulumi/runtime/settings") as {
      getMonitor(): { getRegisteredResources(): Map<string, unknown> };
      waitForRPCs(): Promise<void>;
    };
    // Let any registration already started reach the mock monitor before counting.
    await settings.waitForRPCs();
    expect(settings.getMonitor().getRegisteredResources().size).toBe(0);
  });
});
