import { createHash, createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  buildRolePasswordSql,
  quoteIdentifier,
  quoteLiteral,
  rolePasswordPsqlCommand,
  scramSha256Verifier,
} from "../../infra/builders/postgres-role-password";

// RFC 7677 §3: user "user", password "pencil", this salt and 4096 iterations; the client's proof
// and the server's signature over this AuthMessage.
const NONCE = "rOprNGfwEbeRWgbNEkqO";
const SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
const RFC = {
  password: "pencil",
  // biome-ignore lint/security/noSecrets: RFC 7677 §3 public test vector
  salt: "W22ZaJ0SNY7soEsUEjb6gQ==",
  get authMessage() {
    const full = `${NONCE}${SERVER_NONCE}`;
    return `n=user,r=${NONCE},r=${full},s=${this.salt},i=4096,c=biws,r=${full}`;
  },
  // biome-ignore lint/security/noSecrets: RFC 7677 §3 public test vector
  clientProof: "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
  // biome-ignore lint/security/noSecrets: RFC 7677 §3 public test vector
  serverSignature: "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
};

const fakePassword = () => `fakeTestPw${randomBytes(12).toString("hex")}`;

function parse(verifier: string) {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier);
  if (!m) throw new Error(`not a verifier: ${verifier}`);
  return {
    iterations: Number(m[1]),
    salt: m[2] as string,
    storedKey: Buffer.from(m[3] as string, "base64"),
    serverKey: Buffer.from(m[4] as string, "base64"),
  };
}

describe("scramSha256Verifier", () => {
  it("matches RFC 7677's exchange: the server signature, and the client key recovered from the proof", () => {
    const v = parse(scramSha256Verifier(RFC.password, Buffer.from(RFC.salt, "base64")));
    expect(v.iterations).toBe(4096);
    expect(v.salt).toBe(RFC.salt);
    const hmac = (key: Buffer, text: string) => createHmac("sha256", key).update(text).digest();
    expect(hmac(v.serverKey, RFC.authMessage).toString("base64")).toBe(RFC.serverSignature);
    // ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); StoredKey = H(ClientKey).
    const signature = hmac(v.storedKey, RFC.authMessage);
    const proof = Buffer.from(RFC.clientProof, "base64");
    const clientKey = Buffer.from(proof.map((b, i) => b ^ (signature[i] as number)));
    expect(createHash("sha256").update(clientKey).digest().equals(v.storedKey)).toBe(true);
  });

  it("is a pure function of password, salt and iterations", () => {
    const pw = fakePassword();
    const salt = randomBytes(16);
    expect(scramSha256Verifier(pw, salt)).toBe(scramSha256Verifier(pw, Buffer.from(salt)));
    expect(scramSha256Verifier(pw, salt)).not.toBe(scramSha256Verifier(pw, randomBytes(16)));
    expect(scramSha256Verifier(pw, salt, 8192)).toMatch(/^SCRAM-SHA-256\$8192:/);
  });

  it("refuses what it cannot hash as clients do, without echoing the password", () => {
    expect(() => scramSha256Verifier("pässwort-fake", randomBytes(16))).toThrow(
      "password: must be 1 or more printable ASCII characters (no SASLprep is done here)",
    );
    expect(() => scramSha256Verifier("", randomBytes(16))).toThrow(/^password: /);
    expect(() => scramSha256Verifier(fakePassword(), randomBytes(8))).toThrow(
      "salt: 8 bytes, at least 16 needed",
    );
    expect(() => scramSha256Verifier(fakePassword(), randomBytes(16), 1000)).toThrow(
      "iterations: 1000, a whole number of at least 4096 needed",
    );
  });
});

describe("quoting", () => {
  it("double-quotes identifiers, doubling embedded quotes, and refuses what PostgreSQL would mangle", () => {
    expect(quoteIdentifier("titan")).toBe('"titan"');
    expect(quoteIdentifier('we"ird; DROP ROLE x')).toBe('"we""ird; DROP ROLE x"');
    expect(() => quoteIdentifier("")).toThrow("identifier: empty");
    expect(() => quoteIdentifier("a".repeat(64))).toThrow(/longer than 63 bytes/);
    expect(() => quoteIdentifier("a\0b")).toThrow(/contains NUL/);
  });

  it("quotes literals as quote_literal does", () => {
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral("a\\b'c")).toBe("E'a\\\\b''c'");
  });
});

describe("buildRolePasswordSql", () => {
  it("sets the verifier in one transaction with statement logging off, never the password", () => {
    const pw = fakePassword();
    const verifier = scramSha256Verifier(pw, randomBytes(16));
    const sql = buildRolePasswordSql({ role: "titan", verifier });
    expect(sql.split("\n")).toEqual([
      "-- Managed by the Titan Pulumi program (infra/builders/postgres-role-password.ts).",
      "BEGIN;",
      "SET LOCAL log_statement = 'none';",
      "SET LOCAL log_min_duration_statement = -1;",
      "SET LOCAL log_min_error_statement = 'panic';",
      `ALTER ROLE "titan" WITH PASSWORD '${verifier}';`,
      "COMMIT;",
      "",
    ]);
    expect(sql).not.toContain(pw);
  });

  it("refuses a plain password where the verifier goes", () => {
    expect(() => buildRolePasswordSql({ role: "titan", verifier: fakePassword() })).toThrow(
      "verifier: not a SCRAM-SHA-256 verifier (a plain password is never sent to the server)",
    );
  });

  it("runs psql in the container reading stdin, stopping at the first error", () => {
    expect(rolePasswordPsqlCommand("postgres", "titan")).toBe(
      "docker exec -i postgres psql -X -q -v ON_ERROR_STOP=1 -U titan -d postgres",
    );
    expect(() => rolePasswordPsqlCommand("postgres; rm -rf /", "titan")).toThrow(
      /not a Docker container name/,
    );
    expect(() => rolePasswordPsqlCommand("postgres", "Titan$")).toThrow(/not a plain lower-case role name/);
  });
});
