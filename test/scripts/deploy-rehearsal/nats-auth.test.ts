import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import {
  envValue,
  natsPasswordsFromEnvs,
  withRealPasswordHashes,
} from "../../../scripts/deploy-rehearsal/nats-auth";

const CONF = `authorization: {
  users: [
    {
      user: "brain"
      password: "$2a$10$fakefakefakefakefakefakefakefakefakefakefakefakefakef"
      permissions: {}
    },
    {
      user: "console"
      password: "$2a$10$othefakeothefakeothefakeothefakeothefakeothefakeothe"
    }
  ]
}
`;

describe("nats-auth", () => {
  it("collects user → password from the containers that log in", () => {
    const m = natsPasswordsFromEnvs([
      ["NATS_USER=brain", "NATS_PASS=fake-brain-pass=with=equals"],
      ["NATS_USER=hunter"],
      undefined,
      ["PORT=1"],
    ]);
    expect([...m]).toEqual([["brain", "fake-brain-pass=with=equals"]]);
    expect(envValue(["A=1", "AB=2"], "AB")).toBe("2");
    expect(envValue(["A="], "A")).toBe("");
    expect(envValue(undefined, "A")).toBeUndefined();
  });

  it("replaces the hash of each known user with one that verifies, and leaves the others", () => {
    const text = withRealPasswordHashes(CONF, new Map([["brain", "fake-brain-pass"]]), (p) =>
      bcrypt.hashSync(p, 4),
    );
    const hashes = [...text.matchAll(/password: "([^"]+)"/g)].map((m) => m[1] as string);
    expect(bcrypt.compareSync("fake-brain-pass", hashes[0] as string)).toBe(true);
    expect(hashes[1]).toBe("$2a$10$othefakeothefakeothefakeothefakeothefakeothefakeothe");
    expect(text.replace(hashes[0] as string, "H")).toBe(
      CONF.replace("$2a$10$fakefakefakefakefakefakefakefakefakefakefakefakefakef", "H"),
    );
  });

  it("refuses a login the file has no user for", () => {
    expect(() => withRealPasswordHashes(CONF, new Map([["ghost", "x"]]), (p) => p)).toThrow(
      "nats.conf has no user entry for ghost (a container logs in as it)",
    );
  });
});
