import { describe, expect, it } from "vitest";
import { findSecretMaterial } from "../../lib/secret-patterns";
import { userDataNoSecrets } from "../../policies/user-data-no-secrets";
import { droplet, T } from "../fixtures";
import { runResourcePolicy } from "../helpers";

const names = ["BYBIT_SECRET_KEY", "HMAC_SECRET"];

describe("user-data-no-secrets", () => {
  it("passes ordinary cloud-init", async () => {
    const d = droplet("edge", "titan-edge");
    expect(await runResourcePolicy(userDataNoSecrets, { type: T.droplet, props: d.properties })).toEqual([]);
    expect(
      findSecretMaterial(
        "lock_passwd: true\nssh_pwauth: false\nPasswordAuthentication no\npassword: ''\n",
        names,
      ),
    ).toEqual([]);
  });

  it("finds each kind of secret material", () => {
    expect(findSecretMaterial(`-----BEGIN OPENSSH ${"PRIVATE"} KEY-----\nabc`, names)).toContain(
      "a PEM private key",
    );
    expect(findSecretMaterial(`token=dop_v1_${"a".repeat(64)}`, names)).toContain("a DigitalOcean token");
    expect(findSecretMaterial(`x ghp_${"A".repeat(36)}`, names)).toContain("a GitHub token");
    // biome-ignore lint/security/noSecrets: test fixture, not a secret
    expect(findSecretMaterial(`AKIA${"ABCDEFGHIJKLMNOP"}`, names)).toContain("an AWS access key");
    expect(findSecretMaterial("export BYBIT_SECRET_KEY=abc123", names)).toContain(
      "a value for BYBIT_SECRET_KEY",
    );
    expect(findSecretMaterial("HMAC_SECRET: x", names)).toContain("a value for HMAC_SECRET");
    expect(findSecretMaterial("  db_password: hunter2", names)).toContain("a value for 'db_password'");
    expect(findSecretMaterial('"api_key": "abc"', names)).toContain("a value for 'api_key'");
  });

  it("reports the droplet without echoing the secret", async () => {
    const d = droplet("trading", "titan-trading", {
      userData: "#cloud-config\nwrite_files:\n  - content: BYBIT_SECRET_KEY=supersecret\n",
    });
    const [message] = await runResourcePolicy(userDataNoSecrets, {
      type: T.droplet,
      name: "trading",
      props: d.properties,
    });
    expect(message).toContain("Droplet 'trading'");
    expect(message).toContain("userData contains a value for BYBIT_SECRET_KEY");
    expect(message).toContain("Fix:");
    expect(message).not.toContain("supersecret");
  });
});
