import { describe, expect, it } from "vitest";
import { spacesCredentialProblems } from "../../infra/config/provider-credentials";

const ID = "digitalocean:spacesAccessId";
const SECRET = "digitalocean:spacesSecretKey";
const fakeSecret = () => `fake-spaces-secret-${Math.random().toString(36).slice(2)}`;

function problems(values: Record<string, string>, secretKeys: string[] = [], env = {}) {
  return spacesCredentialProblems({ values, secretKeys: new Set(secretKeys), env });
}

describe("spacesCredentialProblems", () => {
  it("accepts both credentials in stack config, the secret one encrypted", () => {
    expect(problems({ [ID]: "FAKESPACESACCESSID00", [SECRET]: fakeSecret() }, [SECRET])).toEqual([]);
  });

  it("accepts both from the environment, where the provider also looks", () => {
    const env = { SPACES_ACCESS_KEY_ID: "FAKESPACESACCESSID00", SPACES_SECRET_ACCESS_KEY: fakeSecret() };
    expect(problems({}, [], env)).toEqual([]);
  });

  it("accepts one from config and the other from the environment", () => {
    expect(
      problems({ [ID]: "FAKESPACESACCESSID00" }, [], { SPACES_SECRET_ACCESS_KEY: fakeSecret() }),
    ).toEqual([]);
  });

  it("names each missing credential, its environment alternative and the commands that fix it", () => {
    const found = problems({}, [], { SPACES_ACCESS_KEY_ID: "  " });
    expect(found.map((p) => p.key)).toEqual([ID, SECRET]);
    expect(found[0]?.problem).toMatch(
      /^is required \(or SPACES_ACCESS_KEY_ID in the environment of pulumi up\)/,
    );
    expect(found[1]?.problem).toMatch(/^is required \(or SPACES_SECRET_ACCESS_KEY /);
    for (const p of found) {
      expect(p.value).toBe("(missing)");
      expect(p.fix).toContain("permission=fullaccess");
      expect(p.fix).toContain("pulumi config set --secret digitalocean:spacesSecretKey");
    }
  });

  it("an empty config value does not count, even with nothing in the environment", () => {
    expect(problems({ [ID]: "", [SECRET]: "" }, [SECRET]).map((p) => p.key)).toEqual([ID, SECRET]);
  });

  it("refuses the secret key in plain text, and never shows it", () => {
    const secret = fakeSecret();
    const [p] = problems({ [ID]: "FAKESPACESACCESSID00", [SECRET]: secret });
    expect(p).toEqual({
      key: SECRET,
      problem: "is stored in plain text in the stack file",
      value: "[secret]",
      fix: `pulumi config rm ${SECRET} && pulumi config set --secret ${SECRET} (reads the value from the prompt)`,
    });
    expect(JSON.stringify(p)).not.toContain(secret);
  });

  it("the access key id may be plain text, but a pasted line break is refused", () => {
    const [p] = problems({ [ID]: "FAKESPACES\nACCESSID", [SECRET]: fakeSecret() }, [SECRET]);
    expect(p?.key).toBe(ID);
    expect(p?.problem).toMatch(/white space/);
    expect(p?.value).toBe('"FAKESPACES\\nACCESSID"');
    const [q] = problems({ [ID]: "FAKESPACESACCESSID00", [SECRET]: "fake secret" }, [SECRET]);
    expect(q?.key).toBe(SECRET);
    expect(q?.value).toBe("[secret]");
  });
});
