import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../infra/config/errors";
import { parseStackConfig, type RawStackConfig } from "../../infra/config/parse";
import { fakePublicKey, validRawConfig } from "../support/stack-config";

function refusal(raw: RawStackConfig): ConfigError {
  try {
    parseStackConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("config was accepted");
}

function withValue(key: string, value: string | undefined) {
  const raw = validRawConfig();
  if (value === undefined) delete raw.values[key as keyof typeof raw.values];
  else (raw.values as Record<string, string>)[key] = value;
  return raw;
}

const json = (v: unknown) => JSON.stringify(v);

describe("parseStackConfig accepts valid stacks", () => {
  it.each(["split", "single"] as const)("accepts a valid %s stack and normalises CIDRs", (topology) => {
    const raw = validRawConfig(topology);
    raw.values.sshAllowlist = json(["203.0.113.10", "2001:db8:1234::/48"]);
    const cfg = parseStackConfig(raw);
    expect(cfg.topology).toBe(topology);
    expect(cfg.sshAllowlist).toEqual(["203.0.113.10/32", "2001:db8:1234::/48"]);
    expect(cfg.deployUser).toBe("titan");
    expect(cfg.images.nats).toMatch(/^\d/);
  });

  it("accepts hardware-backed keys when requireHardwareKeys is true", () => {
    const raw = withValue("sshPublicKeys", json([fakePublicKey("sk-ssh-ed25519@openssh.com")]));
    raw.values.requireHardwareKeys = "true";
    expect(parseStackConfig(raw).requireHardwareKeys).toBe(true);
  });
});

// Each bad value must be refused with a message that names its key.
const badValues: [string, string | undefined, string][] = [
  ["region", "mars-1", "titan:region"],
  ["region", undefined, "titan:region"],
  ["topology", "triple", "titan:topology"],
  ["vpcCidr", "8.8.0.0/16", "titan:vpcCidr"],
  ["vpcCidr", "10.0.0.0/8", "titan:vpcCidr"],
  ["vpcCidr", "10.20.0.0/25", "titan:vpcCidr"],
  ["vpcCidr", "10.20.1.0/16", "titan:vpcCidr"],
  ["vpcCidr", "10.244.0.0/16", "titan:vpcCidr"],
  ["vpcCidr", "not-a-cidr", "titan:vpcCidr"],
  ["sshAllowlist", json([]), "titan:sshAllowlist"],
  ["sshAllowlist", json(["0.0.0.0/0"]), "titan:sshAllowlist[0]"],
  ["sshAllowlist", json(["::/0"]), "titan:sshAllowlist[0]"],
  ["sshAllowlist", json(["203.0.113.10/32", "10.0.0.0/8"]), "titan:sshAllowlist[1]"],
  ["sshAllowlist", json(["198.51.100.0/23"]), "titan:sshAllowlist[0]"],
  ["sshAllowlist", json(["2001:db8::/32"]), "titan:sshAllowlist[0]"],
  ["sshAllowlist", json(["203.0.113.300/32"]), "titan:sshAllowlist[0]"],
  ["sshAllowlist", json(["203.0.113.10/33"]), "titan:sshAllowlist[0]"],
  ["sshAllowlist", json(["198.51.100.7/24"]), "titan:sshAllowlist[0]"],
  ["sshAllowlist", "203.0.113.10/32", "titan:sshAllowlist"],
  ["sshPublicKeys", json([]), "titan:sshPublicKeys"],
  ["sshPublicKeys", json(["ssh-ed25519 not-base64!"]), "titan:sshPublicKeys[0]"],
  ["sshPublicKeys", json(["ssh-dss AAAAB3NzaC1kc3MAAACBAP"]), "titan:sshPublicKeys[0]"],
  [
    "sshPublicKeys",
    json([fakePublicKey().replace("ssh-ed25519", "ecdsa-sha2-nistp256")]),
    "titan:sshPublicKeys[0]",
  ],
  ["sshPublicKeys", json(["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"]), "titan:sshPublicKeys[0]"],
  ["domain", "Not A Domain", "titan:domain"],
  ["acmeEmail", "ops-at-example", "titan:acmeEmail"],
  ["sizes", json({ edge: "s-1vcpu-2gb" }), "titan:sizes"],
  ["sizes", json({ edge: "S 1 VCPU", trading: "s-4vcpu-8gb" }), "titan:sizes.edge"],
  ["dataVolumeGb", "5", "titan:dataVolumeGb"],
  ["dataVolumeGb", "lots", "titan:dataVolumeGb"],
  ["release", "latest", "titan:release"],
  ["release", undefined, "titan:release"],
  // Titan's CI tags images with the full SHA (type=sha,format=long): 12 hex digits name no image.
  ["release", "a7c05a02b5f1", "titan:release"],
  ["release", "A7C05A02B5F1F70887C1BB8716E36954BFF49C21", "titan:release"],
  ["services", json(["titan-opsd"]), "titan:services[0]"],
  [
    "serviceImages",
    json({ "titan-console-api": "ghcr.io/acme/titan-console-api:latest" }),
    "titan:serviceImages.titan-console-api",
  ],
  ["serviceImages", json({ "titan-console-api": "console-api" }), "titan:serviceImages.titan-console-api"],
  ["consoleAllowlist", json(["0.0.0.0/0"]), "titan:consoleAllowlist[0]"],
  ["consoleAllowlist", json(["198.51.100.7/24"]), "titan:consoleAllowlist[0]"],
  ["consoleAllowlist", json([]), "titan:consoleAllowlist"],
  ["images", json({ nats: "latest" }), "titan:images.nats"],
  ["rotationEpoch", "2026-Q5", "titan:rotationEpoch"],
  ["rotationEpoch", "Q4-2026", "titan:rotationEpoch"],
  ["backups", "yes", "titan:backups"],
  ["deployUser", "root", "titan:deployUser"],
  ["sshAllowlist", "[not json", "titan:sshAllowlist"],
  ["unknownKey", "x", "titan:unknownKey"],
];

describe("parseStackConfig refuses bad config, naming the key, the value and the fix", () => {
  it.each(badValues)("refuses %s = %s", (key, value, named) => {
    const err = refusal(withValue(key, value));
    const problem = err.problems.find((p) => p.key === named);
    expect(problem, err.message).toBeDefined();
    expect(problem?.fix.length).toBeGreaterThan(10);
    expect(err.message).toContain(named);
    expect(err.message).toContain("Fix:");
    // The message shows the offending value itself (the list item, not the whole list).
    if (value !== undefined) {
      expect(problem?.value).not.toBe("(missing)");
      expect(value).toContain(problem?.value.slice(0, 12));
    }
  });

  it("accepts an optional service with its image and a console allow-list", () => {
    const raw = validRawConfig();
    raw.values.services = json(["titan-console-api"]);
    raw.values.serviceImages = json({ "titan-console-api": "ghcr.io/acme/titan-console-api:v1.2.0" });
    raw.values.consoleAllowlist = json(["203.0.113.7", "2001:db8::/32"]);
    const cfg = parseStackConfig(raw);
    expect(cfg.services).toEqual(["titan-console-api"]);
    expect(cfg.consoleAllowlist).toEqual(["203.0.113.7/32", "2001:db8::/32"]);
  });

  it("refuses an optional service listed without an image, naming titan:serviceImages", () => {
    const err = refusal(withValue("services", json(["titan-console-api"])));
    expect(err.problems.map((p) => p.key)).toEqual(["titan:serviceImages.titan-console-api"]);
    expect(err.message).toContain("Titan's CI publishes no image for it");
  });

  it.each([
    ["bybitReadOnlyApiKey", "bybitReadOnlySecretKey"],
    ["binanceReadOnlySecretKey", "binanceReadOnlyApiKey"],
  ])("refuses %s set without its partner, naming the partner", (set, partner) => {
    const raw = validRawConfig();
    delete (raw.values as Record<string, string>)[partner];
    (raw.values as Record<string, string>)[set] = `fake-${set}-value`;
    (raw.secretKeys as Set<string>).add(set);
    const err = refusal(raw);
    expect(err.problems.map((p) => p.key)).toEqual([`titan:${partner}`]);
    expect(err.message).not.toContain(`fake-${set}-value`);
  });

  it("refuses a registry credential that is not USER:TOKEN, without showing it", () => {
    const raw = validRawConfig();
    raw.values.registryAuth = "fake-token-without-user";
    (raw.secretKeys as Set<string>).add("registryAuth");
    const err = refusal(raw);
    expect(err.problems.map((p) => p.key)).toEqual(["titan:registryAuth"]);
    expect(err.message).toContain("USER:TOKEN");
    expect(err.message).not.toContain("fake-token-without-user");
  });

  it("refuses non-hardware keys when requireHardwareKeys is true", () => {
    const raw = withValue("requireHardwareKeys", "true");
    const err = refusal(raw);
    expect(err.problems.map((p) => p.key)).toContain("titan:sshPublicKeys[0]");
    expect(err.message).toMatch(/requireHardwareKeys/);
  });

  it("refuses an RSA key shorter than 3072 bits", () => {
    const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, (b.length >> 8) & 255, b.length & 255]), b]);
    const modulus = Buffer.concat([Buffer.from([0]), Buffer.alloc(256, 0xab)]); // 2048 bits
    const body = Buffer.concat([str(Buffer.from("ssh-rsa")), str(Buffer.from([1, 0, 1])), str(modulus)]);
    const err = refusal(withValue("sshPublicKeys", json([`ssh-rsa ${body.toString("base64")} old`])));
    expect(err.message).toMatch(/2048 bits/);
  });
});

describe("secrets fail closed and never leak into messages", () => {
  it.each(["bybitApiKey", "bybitSecretKey", "masterPassword"])("refuses a missing %s", (key) => {
    const raw = validRawConfig();
    delete (raw.values as Record<string, string>)[key];
    const err = refusal(raw);
    expect(err.problems.find((p) => p.key === `titan:${key}`)?.problem).toBe("is required");
    expect(err.message).toContain(`pulumi config set --secret titan:${key}`);
  });

  it.each(["bybitApiKey", "bybitSecretKey", "masterPassword"])("refuses an empty or blank %s", (key) => {
    const raw = validRawConfig();
    (raw.values as Record<string, string>)[key] = "   ";
    const err = refusal(raw);
    expect(err.problems.map((p) => p.key)).toContain(`titan:${key}`);
  });

  it("refuses a secret stored in plain text, and does not print its value", () => {
    const raw = validRawConfig();
    raw.secretKeys.delete("bybitSecretKey");
    const err = refusal(raw);
    const problem = err.problems.find((p) => p.key === "titan:bybitSecretKey");
    expect(problem?.problem).toMatch(/plain text/);
    expect(problem?.fix).toContain("--secret");
    for (const secret of Object.values(raw.secrets)) expect(err.message).not.toContain(secret);
  });

  it("refuses a short master password without printing it", () => {
    const raw = validRawConfig();
    raw.values.masterPassword = "short-fake";
    const err = refusal(raw);
    expect(err.message).toMatch(/titan:masterPassword.*16/);
    expect(err.message).not.toContain("short-fake");
  });

  it("refuses a plain-text optional secret and a half-configured Binance pair", () => {
    const raw = validRawConfig();
    (raw.values as Record<string, string>).geminiApiKey = "fake-gemini-plain";
    (raw.values as Record<string, string>).binanceApiKey = "fake-binance";
    raw.secretKeys.add("binanceApiKey");
    const err = refusal(raw);
    expect(err.problems.map((p) => p.key)).toEqual(
      expect.arrayContaining(["titan:geminiApiKey", "titan:binanceSecretKey"]),
    );
    expect(err.message).not.toContain("fake-gemini-plain");
    expect(err.message).not.toContain("fake-binance");
  });

  it("treats an empty or blank optional secret (the project default) as not configured", () => {
    for (const blank of ["", "   "]) {
      const raw = validRawConfig();
      (raw.values as Record<string, string>).geminiApiKey = blank;
      raw.secretKeys.add("geminiApiKey");
      expect(parseStackConfig(raw).geminiApiKey).toBeUndefined();
    }
  });
});

describe("secrets leave the config as Pulumi secret outputs", () => {
  const plainOf = (o: pulumi.Output<string>) => new Promise<string>((resolve) => o.apply(resolve));

  it("wraps every operator secret, and splits registryAuth into a plain user and a secret token", async () => {
    const raw = validRawConfig();
    const token = `fake-token-${Math.random().toString(36).slice(2)}`;
    const hook = `https://hooks.slack.com/services/fake${Math.random().toString(36).slice(2)}`;
    Object.assign(raw.values, {
      registryAuth: `octo:${token}`,
      alertSlackWebhook: hook,
      geminiApiKey: "fake-gemini",
    });
    for (const k of ["registryAuth", "alertSlackWebhook", "geminiApiKey"]) raw.secretKeys.add(k);
    const cfg = parseStackConfig(raw);
    const outputs = {
      bybitApiKey: cfg.bybitApiKey,
      masterPassword: cfg.masterPassword,
      geminiApiKey: cfg.geminiApiKey,
      alertSlackWebhook: cfg.alertSlackWebhook,
      registryToken: cfg.registryAuth?.password,
    };
    for (const [key, output] of Object.entries(outputs)) {
      if (!output) throw new Error(`${key} missing`);
      expect(pulumi.Output.isInstance(output), key).toBe(true);
      expect(await pulumi.isSecret(output), key).toBe(true);
    }
    expect(await plainOf(outputs.masterPassword)).toBe(raw.values.masterPassword);
    expect(await plainOf(outputs.registryToken as pulumi.Output<string>)).toBe(token);
    expect(cfg.registryAuth?.username).toBe("octo");
    // The compiler refuses a secret where a plain string is expected.
    // @ts-expect-error a secret is an Output, never a string
    const leaked: string = cfg.bybitApiKey;
    expect(typeof leaked).toBe("object");
  });
});
