import { describe, expect, it } from "vitest";
import { matchingCidrs } from "../../../scripts/ops/cidr";
import { type PreflightEnvironment, runPreflight } from "../../../scripts/ops/preflight-checks";
import { isAtLeast } from "../../../scripts/ops/version";
import { fakeRunner, type Script } from "./fake-runner";

const healthyConfig = {
  "titan:sshAllowlist": {
    value: '["203.0.113.10/32","2001:db8:1234::/48"]',
    objectValue: ["203.0.113.10/32", "2001:db8:1234::/48"],
    secret: false,
  },
  "titan:requireHardwareKeys": { value: "true", objectValue: true, secret: false },
  "titan:bybitApiKey": { secret: true },
  "titan:bybitSecretKey": { secret: true },
  "titan:masterPassword": { secret: true },
  // Read by scavenger at start (Titan's contract), so preflight requires them too.
  "titan:bybitReadOnlyApiKey": { secret: true },
  "titan:bybitReadOnlySecretKey": { secret: true },
  "titan:binanceReadOnlyApiKey": { secret: true },
  "titan:binanceReadOnlySecretKey": { secret: true },
  "digitalocean:token": { secret: true },
  // The provider's S3 credentials for the backup bucket (the id may be plain, the secret may not).
  "digitalocean:spacesAccessId": { value: "FAKESPACESACCESSID00", secret: false },
  "digitalocean:spacesSecretKey": { secret: true },
};

const {
  "digitalocean:spacesAccessId": _spacesId,
  "digitalocean:spacesSecretKey": _spacesSecret,
  ...withoutSpaces
} = healthyConfig;

function healthyScript(config: object = healthyConfig): Script {
  return {
    "pulumi version": { stdout: "v3.250.1\n" },
    "pulumi whoami": { stdout: "alice\n" },
    "pulumi stack --show-name": { stdout: "prod\n" },
    "pulumi config --show-secrets=false --json": { stdout: JSON.stringify(config) },
    "ssh-add -l": { stdout: "256 SHA256:abc alice@yubikey (ED25519-SK)\n" },
    "ssh -V": { stderr: "OpenSSH_9.6p1 Ubuntu-3ubuntu13.5, OpenSSL 3.0.13 30 Jan 2024\n" },
  };
}

function environment(script: Script, address = "203.0.113.10"): PreflightEnvironment {
  return {
    run: fakeRunner(script),
    lookupPublicAddress: async () => address,
    fileExists: (path) => path.endsWith("policy/package.json"),
  };
}

const options = {
  minPulumiVersion: "3.248.0",
  policyPackageJsonPaths: ["node_modules/@pulumi/policy/package.json"],
};

const failures = async (env: PreflightEnvironment, extra: object = {}) =>
  (await runPreflight(env, { ...options, ...extra })).filter((result) => !result.ok);

describe("preflight", () => {
  it("passes when every prerequisite holds", async () => {
    expect(await failures(environment(healthyScript()))).toEqual([]);
  });

  it("fails without the Pulumi CLI and tells how to install it", async () => {
    const script = healthyScript();
    delete script["pulumi version"];
    const failed = await failures(environment(script));
    expect(failed[0]?.name).toBe("pulumi CLI");
    expect(failed[0]?.fix).toContain("get.pulumi.com");
  });

  it("fails on a CLI older than the minimum", async () => {
    const failed = await failures(
      environment({ ...healthyScript(), "pulumi version": { stdout: "v3.100.0" } }),
    );
    expect(failed.map((result) => result.name)).toEqual(["pulumi CLI"]);
    expect(failed[0]?.fix).toContain("self-update");
  });

  it("fails when not logged in or no stack is selected", async () => {
    const script = {
      ...healthyScript(),
      "pulumi whoami": { code: 255 },
      "pulumi stack --show-name": { code: 255 },
    };
    const failed = await failures(environment(script));
    expect(failed.map((result) => result.fix)).toEqual([
      "pulumi login (or export PULUMI_ACCESS_TOKEN)",
      "pulumi stack select prod",
    ]);
  });

  it("passes --stack through to pulumi", async () => {
    const script = healthyScript();
    const env = environment({
      ...script,
      "pulumi stack --stack staging --show-name": { stdout: "staging" },
      "pulumi config --stack staging --show-secrets=false --json": { stdout: JSON.stringify(healthyConfig) },
    });
    expect(await failures(env, { stack: "staging" })).toEqual([]);
  });

  it("fails when a required secret is missing or stored in plain text", async () => {
    const { "titan:masterPassword": _dropped, ...withoutMaster } = healthyConfig;
    const config = { ...withoutMaster, "titan:bybitApiKey": { value: "plain", secret: false } };
    const [failed] = await failures(environment(healthyScript(config)));
    expect(failed?.name).toBe("secrets set as secrets");
    expect(failed?.detail).toContain("titan:masterPassword is not set");
    expect(failed?.detail).toContain("titan:bybitApiKey is stored in plain text");
    expect(failed?.fix).toContain("pulumi config set --secret titan:masterPassword");
  });

  it("fails when an optional exchange key is present in plain text", async () => {
    const config = { ...healthyConfig, "titan:geminiApiKey": { value: "plain", secret: false } };
    const [failed] = await failures(environment(healthyScript(config)));
    expect(failed?.detail).toContain("titan:geminiApiKey is stored in plain text");
  });

  it("fails without Spaces credentials, or with the Spaces secret in plain text, and names the fix", async () => {
    const [missing] = await failures(environment(healthyScript(withoutSpaces)));
    expect(missing?.name).toBe("Spaces credentials for the backup bucket");
    expect(missing?.detail).toContain("digitalocean:spacesAccessId is required");
    expect(missing?.detail).toContain("digitalocean:spacesSecretKey is required");
    expect(missing?.fix).toContain("pulumi config set --secret digitalocean:spacesSecretKey");

    const plain = {
      ...healthyConfig,
      "digitalocean:spacesSecretKey": { value: "fake-plain-spaces-secret", secret: false },
    };
    const [inPlainText] = await failures(environment(healthyScript(plain)));
    expect(inPlainText?.detail).toBe(
      "digitalocean:spacesSecretKey is stored in plain text in the stack file",
    );
    expect(inPlainText?.fix).toBe(
      "pulumi config rm digitalocean:spacesSecretKey && pulumi config set --secret digitalocean:spacesSecretKey (reads the value from the prompt)",
    );
  });

  it("accepts Spaces credentials from the environment, as the provider does", async () => {
    const env = {
      ...environment(healthyScript(withoutSpaces)),
      env: { SPACES_ACCESS_KEY_ID: "FAKESPACESACCESSID00", SPACES_SECRET_ACCESS_KEY: "fake-env-secret" },
    };
    expect(await failures(env)).toEqual([]);
    const half = { ...env, env: { SPACES_ACCESS_KEY_ID: "FAKESPACESACCESSID00" } };
    const [failed] = await failures(half);
    expect(failed?.detail).toMatch(/^digitalocean:spacesSecretKey is required \(or SPACES_SECRET_ACCESS_KEY/);
  });

  it("fails when the operator's address is outside the allow-list, and names the fix", async () => {
    const [failed] = await failures(environment(healthyScript(), "198.51.100.7"));
    expect(failed?.name).toBe("operator address in titan:sshAllowlist");
    expect(failed?.fix).toContain("198.51.100.7/32");
  });

  it("prefers --ip over the lookup, and accepts IPv6 inside a /48", async () => {
    const env = environment(healthyScript(), "198.51.100.7");
    expect(await failures(env, { ip: "2001:db8:1234:5::1" })).toEqual([]);
  });

  it("reports a failed address lookup with the --ip fix", async () => {
    const env = {
      ...environment(healthyScript()),
      lookupPublicAddress: async () => {
        throw new Error("offline");
      },
    };
    const [failed] = await failures(env);
    expect(failed?.detail).toContain("offline");
    expect(failed?.fix).toContain("--ip");
  });

  it("fails without an ssh-agent, with an empty agent, or without a hardware key when required", async () => {
    const noAgent = await failures(environment({ ...healthyScript(), "ssh-add -l": { code: 2 } }));
    expect(noAgent[0]?.fix).toContain("ssh-agent");
    const empty = await failures(
      environment({
        ...healthyScript(),
        "ssh-add -l": { code: 1, stdout: "The agent has no identities.\n" },
      }),
    );
    expect(empty[0]?.detail).toBe("the agent holds no key");
    const softKey = await failures(
      environment({
        ...healthyScript(),
        "ssh-add -l": { stdout: "256 SHA256:abc alice@laptop (ED25519)\n" },
      }),
    );
    expect(softKey[0]?.detail).toContain("requireHardwareKeys");
  });

  it("fails on an OpenSSH client without KnownHostsCommand (before 8.5), or none, naming the fix", async () => {
    const old = await failures(
      environment({
        ...healthyScript(),
        "ssh -V": { stderr: "OpenSSH_8.2p1 Ubuntu-4ubuntu0.11, OpenSSL 1.1.1f\n" },
      }),
    );
    expect(old.map((r) => [r.name, r.detail])).toEqual([
      [
        "OpenSSH client",
        "OpenSSH 8.2 has no KnownHostsCommand, which every connection to the droplets uses to check the host key pinned in state",
      ],
    ]);
    expect(old[0]?.fix).toContain("install OpenSSH 8.5 or later");
    const { "ssh -V": _v, ...noSsh } = healthyScript();
    expect((await failures(environment(noSsh)))[0]?.detail).toBe("ssh is not installed");
    const odd = await failures(
      environment({ ...healthyScript(), "ssh -V": { stderr: "Dropbear v2022.83\n" } }),
    );
    expect(odd[0]?.detail).toBe("cannot read the version from 'Dropbear v2022.83'");
  });

  it("accepts OpenSSH 8.5 exactly and a later major", async () => {
    for (const v of ["OpenSSH_8.5p1, OpenSSL 1.1.1k", "OpenSSH_10.0p2, LibreSSL 3.3.6"])
      expect(await failures(environment({ ...healthyScript(), "ssh -V": { stderr: v } }))).toEqual([]);
  });

  it("fails when the policy pack is not installed", async () => {
    const env = { ...environment(healthyScript()), fileExists: () => false };
    const [failed] = await failures(env);
    expect(failed?.name).toBe("policy pack installed");
    expect(failed?.fix).toBe("npm ci (installs the policy workspace too)");
  });
});

describe("CIDR and version helpers", () => {
  it("matches IPv4, IPv6 and IPv4-mapped IPv6 addresses", () => {
    expect(matchingCidrs("10.0.0.5", ["10.0.0.0/24", "192.168.0.0/16"])).toEqual(["10.0.0.0/24"]);
    expect(matchingCidrs("10.0.1.5", ["10.0.0.0/24"])).toEqual([]);
    expect(matchingCidrs("::ffff:10.0.0.5", ["10.0.0.0/24"])).toEqual(["10.0.0.0/24"]);
    expect(matchingCidrs("10.0.0.5", ["not-a-cidr", "::/0"])).toEqual(["::/0"]);
    expect(() => matchingCidrs("nonsense", ["10.0.0.0/8"])).toThrow();
  });

  it("compares versions numerically", () => {
    expect(isAtLeast("v3.248.0", "3.248.0")).toBe(true);
    expect(isAtLeast("v3.1000.0", "3.248.0")).toBe(true);
    expect(isAtLeast("v3.99.9", "3.248.0")).toBe(false);
    expect(isAtLeast("garbage", "3.0.0")).toBe(false);
  });
});
