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
});
