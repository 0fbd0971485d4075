import { describe, expect, it } from "vitest";
import { buildNatsConf, type NatsConfInput } from "../../infra/builders/nats-conf";
import {
  NATS_CORE_SUBJECTS,
  NATS_STREAMS,
  NATS_USERS,
  type NatsUser,
  natsPermissionsFor,
} from "../../infra/builders/nats-permissions";
import { DESIGN_SUBJECTS, matches } from "./nats-oracle";

// Obviously fake, fixed-shape bcrypt strings: the unit tests never need a real password.
const FAKE_HASH = `$2a$10$${"F".repeat(53)}`;
const hashes = Object.fromEntries(NATS_USERS.map((u) => [u, FAKE_HASH])) as Record<NatsUser, string>;
const TLS = {
  certFile: "/etc/nats/tls/server.crt",
  keyFile: "/etc/nats/tls/server.key",
  caFile: "/etc/nats/tls/ca.crt",
};

function conf(overrides: Partial<NatsConfInput> = {}): string {
  return buildNatsConf({ passwordHashes: hashes, tls: TLS, ...overrides });
}

describe("NATS permission table", () => {
  it("matches DESIGN.md §3 word for word", () => {
    for (const user of NATS_USERS) {
      expect(NATS_CORE_SUBJECTS[user].publish).toEqual(DESIGN_SUBJECTS[user].publish);
      expect(NATS_CORE_SUBJECTS[user].subscribe).toEqual(DESIGN_SUBJECTS[user].subscribe);
    }
  });

  it("keeps the command invariants in the allow lists", () => {
    for (const user of NATS_USERS.filter((u) => u !== "brain")) {
      const p = natsPermissionsFor(user);
      for (const allow of p.publishAllow) {
        if (allow.startsWith("titan.cmd.")) {
          expect(user).toBe("quant");
          expect(allow.startsWith("titan.cmd.ai.")).toBe(true);
        }
        expect(allow).not.toBe(">");
        expect(allow.startsWith("$JS.API.STREAM.DELETE")).toBe(false);
        expect(allow).not.toBe("$JS.API.>");
      }
      expect(p.publishDeny).toContain("$JS.API.STREAM.DELETE.>");
      expect(p.publishDeny).toContain("$JS.API.STREAM.PURGE.>");
      expect(p.publishDeny).toContain(user === "quant" ? "titan.cmd.execution.>" : "titan.cmd.>");
    }
    expect(natsPermissionsFor("console").publishAllow.filter((s) => s.startsWith("titan."))).toEqual([]);
    expect(natsPermissionsFor("console").publishDeny).toContain("titan.>");
  });

  it("every deny entry agrees with DESIGN (a deny never removes a DESIGN-granted subject)", () => {
    for (const user of NATS_USERS) {
      const p = natsPermissionsFor(user);
      for (const deny of p.publishDeny) {
        for (const allow of DESIGN_SUBJECTS[user].publish) expect(matches(deny, allow)).toBe(false);
      }
      for (const deny of p.subscribeDeny) {
        for (const allow of DESIGN_SUBJECTS[user].subscribe) expect(matches(deny, allow)).toBe(false);
      }
    }
  });

  it("grants JetStream API only for the user's own durable consumers", () => {
    for (const user of NATS_USERS.filter((u) => u !== "brain")) {
      const js = natsPermissionsFor(user).publishAllow.filter((s) => s.startsWith("$JS."));
      const own = NATS_STREAMS.flatMap((s) => s.consumers.filter((c) => c.user === user));
      if (own.length === 0) expect(js).toEqual([]);
      for (const subject of js) {
        expect(
          own.some((c) => subject.includes(`.${c.durable}`) || subject.startsWith("$JS.API.STREAM.INFO.")),
        ).toBe(true);
        expect(subject).toMatch(/^\$JS\.(API\.(STREAM\.INFO|CONSUMER\.(INFO|CREATE|MSG\.NEXT))|ACK)\./);
      }
    }
  });
});

describe("buildNatsConf", () => {
  it("has one user per service, each with a bcrypt hash and nothing else secret", () => {
    const text = conf();
    for (const user of NATS_USERS) expect(text).toContain(`user: "${user}"`);
    expect(text.match(/password: "\$2a\$10\$F{53}"/g)).toHaveLength(NATS_USERS.length);
  });

  it("requires TLS 1.3, keeps JetStream on the data volume, sets limits", () => {
    const text = conf();
    expect(text).toMatch(/tls: \{[^}]*min_version: "1\.3"/s);
    expect(text).toContain('cert_file: "/etc/nats/tls/server.crt"');
    expect(text).toContain('store_dir: "/data/jetstream"');
    expect(text).toContain('http: "0.0.0.0:8222"');
    expect(text).toMatch(/^max_payload: 1048576$/m);
    expect(text).toMatch(/^write_deadline: "10s"$/m);
    expect(conf({ tls: { ...TLS, verifyClients: true } })).toContain("verify: true");
  });

  it("refuses plain passwords, unknown users and injection", () => {
    expect(() => conf({ passwordHashes: { ...hashes, brain: "hunter2" } })).toThrow(/bcrypt/);
    expect(() =>
      conf({ passwordHashes: { ...hashes, extra: FAKE_HASH } as Record<NatsUser, string> }),
    ).toThrow();
    expect(() => conf({ jetStreamStoreDir: '/data"\njetstream: {}' })).toThrow();
    expect(() => conf({ tls: { ...TLS, caFile: "relative.crt" } })).toThrow();
    expect(() => conf({ port: 0 })).toThrow();
  });
});
