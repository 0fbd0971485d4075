// Branches the per-policy tests do not reach: every token family, and values that are not secrets.
import { describe, expect, it } from "vitest";
import { findSecretMaterial } from "../../lib/secret-patterns";

describe("secret-patterns", () => {
  it("cover every token family", () => {
    const none: string[] = [];
    expect(findSecretMaterial(`xoxb-${"1".repeat(12)}`, none)).toEqual(["a Slack token"]);
    expect(findSecretMaterial(`github_pat_${"A".repeat(22)}`, none)).toEqual(["a GitHub token"]);
    expect(findSecretMaterial(`ASIA${"Q".repeat(16)}`, none)).toEqual(["an AWS access key"]);
    expect(findSecretMaterial(`doo_v1_${"b".repeat(64)}`, none)).toEqual(["a DigitalOcean token"]);
    expect(findSecretMaterial(`-----BEGIN RSA ${"PRIVATE"} KEY-----`, none)).toEqual(["a PEM private key"]);
    expect(findSecretMaterial("-----BEGIN PUBLIC KEY-----", none)).toEqual([]);
    expect(findSecretMaterial("HMAC_SECRET=", ["HMAC_SECRET"])).toEqual([]);
    expect(findSecretMaterial("HMAC_SECRET: ''", ["HMAC_SECRET"])).toEqual([]);
    expect(findSecretMaterial("X_HMAC_SECRET_Y=1", ["HMAC_SECRET"])).toEqual([]);
    expect(findSecretMaterial("lock-passwd: false\nssh_pwauth: yes", none)).toEqual([]);
    expect(findSecretMaterial("token = null", none)).toEqual([]);
    expect(findSecretMaterial("tokens: 5", none)).toEqual([]);
  });

  it("matches a configured name literally, regex characters included", () => {
    expect(findSecretMaterial("VAULT.KEY=fake-value", ["VAULT.KEY"])).toEqual(["a value for VAULT.KEY"]);
    expect(findSecretMaterial("VAULT_KEY=fake-value", ["VAULT.KEY"])).toEqual([]);
  });

  it("finds an assignment followed by a comment; skips whole comment lines, indented ones too", () => {
    expect(findSecretMaterial("db_password: fake-value # rotated monthly", [])).toEqual([
      "a value for 'db_password'",
    ]);
    expect(
      findSecretMaterial("  # db_password: set by the operator\n\t# HMAC_SECRET=later", ["HMAC_SECRET"]),
    ).toEqual([]);
  });

  it("judges each line's value alone: an empty value is not joined to the next line", () => {
    expect(findSecretMaterial("db_password: ''\nlog_level: info", [])).toEqual([]);
  });

  it("exempts only cloud-init's own lock_passwd switch, in any of its spellings", () => {
    expect(findSecretMaterial("lock_passwd: on\nlock-passwd: off\nlockpasswd: on", [])).toEqual([]);
    expect(findSecretMaterial("unlock_passwd: fake-value", [])).toEqual(["a value for 'unlock_passwd'"]);
    expect(findSecretMaterial("lock_passwd_secret: fake-value", [])).toEqual([
      "a value for 'lock_passwd_secret'",
    ]);
  });
});
