import { describe, expect, it } from "vitest";
import { buildNatsConf, type NatsConfInput } from "../../infra/builders/nats-conf";
import { NATS_USERS, type NatsUser } from "../../infra/model/nats-permissions";

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
    // The monitor stays on the container's own loopback (healthcheck and docker exec only).
    expect(text).toContain('http: "127.0.0.1:8222"');
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
