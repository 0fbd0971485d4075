import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodingNote, secretIn } from "../../lib/secret-encodings";

const fake = () => `fake-${randomBytes(18).toString("hex")}`;
const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("secretIn", () => {
  it("finds the secret in plain text, base64 and hex", () => {
    const secret = fake();
    expect(secretIn(`x=${secret}`, secret)).toBe("plain");
    expect(secretIn(b64(secret), secret)).toBe("base64");
    expect(secretIn(Buffer.from(secret).toString("base64url"), secret)).toBe("base64");
    expect(secretIn(`KEY=${Buffer.from(secret).toString("hex")}`, secret)).toBe("hex");
    expect(secretIn(Buffer.from(secret).toString("hex").toUpperCase(), secret)).toBe("hex");
  });

  it("finds it inside a longer encoded text at every alignment (user:secret, JSON)", () => {
    const secret = fake();
    for (const prefix of ["", "a", "ab", "abc", "user:", '{"auths":{"k":"'])
      for (const suffix of ["", "x", "xy", '"}}'])
        expect(secretIn(`auth ${b64(`${prefix}${secret}${suffix}`)}`, secret), `${prefix}|${suffix}`).toBe(
          "base64",
        );
  });

  it("does not match another secret, its own prefix, or nothing", () => {
    const secret = fake();
    expect(secretIn(b64(fake()), secret)).toBeUndefined();
    expect(secretIn(b64(secret.slice(0, 10)), secret)).toBeUndefined();
    expect(secretIn("", secret)).toBeUndefined();
  });

  it("skips encoded fragments too short to tell apart from ordinary text", () => {
    // 12 bytes leave fewer than 16 base64 characters fixed by the secret alone at some alignment.
    const short = "fake-abcdefg";
    expect(secretIn(b64(`ab${short}`), short)).toBeUndefined();
    expect(secretIn(b64(short), short)).toBe("base64");
  });

  it("finds a URL-safe base64 copy of a secret whose standard base64 has '+' and '/'", () => {
    // 30 bytes: "~~~" and "???" fill whole base64 groups, "fn5+" and "Pz8/", neither at the end.
    const secret = `fake-${randomBytes(8).toString("hex")}~~~???end`;
    expect(b64(secret)).toMatch(/\+.*\//);
    expect(secretIn(Buffer.from(secret).toString("base64url"), secret)).toBe("base64");
    expect(secretIn(`token=${Buffer.from(`abc${secret}`).toString("base64url")}`, secret)).toBe("base64");
  });

  it("says how the copy was encoded", () => {
    expect(encodingNote("plain")).toBe("");
    expect(encodingNote("base64")).toBe(" (base64-encoded)");
    expect(encodingNote("hex")).toBe(" (hex-encoded)");
  });
});
