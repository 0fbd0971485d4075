import { describe, expect, it } from "vitest";
import {
  bcryptProblem,
  credentialProblem,
  monitorEndpoints,
  natsUsers,
  publishRights,
  subscribeRights,
} from "../../lib/nats-auth";
import { type NatsValue, parseNatsConf, UnresolvedVariable } from "../../lib/nats-conf";
import { BCRYPT_8, BCRYPT_11 } from "../fixtures";

describe("nats auth model", () => {
  it("collects users from authorization, single user and accounts", () => {
    const { root } = parseNatsConf(`
      authorization { default_permissions: { publish: "a" }, users: [ { user: x }, { username: y, pass: p, permissions: { pub: "b" } }, 5 ], user: solo, password: s }
      accounts { A: { users: [ { nkey: UABC } ] }, B: 3 }
    `);
    const top = { account: "$G", nkey: undefined };
    expect(natsUsers(root)).toEqual([
      { name: "x", password: undefined, permissions: { publish: "a" }, ...top },
      { name: "y", password: "p", permissions: { pub: "b" }, ...top },
      { name: "solo", password: "s", permissions: undefined, ...top },
      // Account names are keys, lower-cased by the parser.
      { name: "UABC", account: "a", password: undefined, nkey: "UABC", permissions: undefined },
    ]);
    expect(natsUsers(parseNatsConf("port: 1").root)).toEqual([]);
  });

  it("derives subscribe rights the same way, keeping the subject of a queue-group entry", () => {
    expect(subscribeRights(undefined)).toEqual({ allow: [">"], deny: [] });
    expect(subscribeRights({ publish: "a" })).toEqual({ allow: [">"], deny: [] });
    expect(subscribeRights({ sub: "a.b" })).toEqual({ allow: ["a.b"], deny: [] });
    expect(subscribeRights({ subscribe: { allow: ["a.> workers", " b "], deny: "a.x" } })).toEqual({
      allow: ["a.>", "b"],
      deny: ["a.x"],
    });
    // A deny of one queue group leaves plain subscriptions to the subject allowed.
    expect(subscribeRights({ subscribe: { allow: "a.>", deny: ["a.x workers", "a.y"] } })).toEqual({
      allow: ["a.>"],
      deny: ["a.y"],
    });
    expect(subscribeRights({ subscribe: { deny: new UnresolvedVariable("D") } })).toEqual({
      allow: [">"],
      deny: [],
    });
  });

  it("derives publish rights, failing closed on what it cannot read", () => {
    expect(publishRights(undefined)).toEqual({ allow: [">"], deny: [] });
    expect(publishRights("x")).toEqual({ allow: [">"], deny: [] });
    expect(publishRights({ subscribe: "a" })).toEqual({ allow: [">"], deny: [] });
    expect(publishRights({ publish: new UnresolvedVariable("P") })).toEqual({ allow: [">"], deny: [] });
    expect(publishRights({ publish: "a.b" })).toEqual({ allow: ["a.b"], deny: [] });
    expect(publishRights({ pub: ["a", "b"] })).toEqual({ allow: ["a", "b"], deny: [] });
    expect(publishRights({ publish: [1] })).toEqual({ allow: [">"], deny: [] });
    expect(publishRights({ publish: { deny: "c" } })).toEqual({ allow: [">"], deny: ["c"] });
    expect(publishRights({ publish: { allow: ["a"], deny: 7 } })).toEqual({ allow: ["a"], deny: [] });
    expect(publishRights({ publish: { allow: 7 } })).toEqual({ allow: [">"], deny: [] });
  });

  it("judges bcrypt hashes", () => {
    expect(bcryptProblem(BCRYPT_11, 10)).toBeUndefined();
    expect(bcryptProblem(BCRYPT_11.replace("$2b$", "$2y$"), 10)).toBeUndefined();
    expect(bcryptProblem(BCRYPT_11.replace("$2b$", "$2a$"), 11)).toBeUndefined();
    expect(bcryptProblem(BCRYPT_11, 12)).toBe("has a bcrypt cost of 11 (minimum 12)");
    expect(bcryptProblem(BCRYPT_8, 10)).toBe("has a bcrypt cost of 8 (minimum 10)");
    expect(bcryptProblem(BCRYPT_11.replace("$2b$", "$2x$"), 10)).toBe(
      "has a password that is not a bcrypt hash",
    );
    expect(bcryptProblem(`${BCRYPT_11}x`, 10)).toBe("has a password that is not a bcrypt hash");
    expect(bcryptProblem(undefined, 10)).toBe("has no password");
    expect(bcryptProblem(42, 10)).toBe("has a password that is not a literal string");
  });

  it("finds monitor endpoints and their hosts", () => {
    const ep = (conf: string) => monitorEndpoints(parseNatsConf(conf).root);
    expect(ep("http: 8222")).toEqual([{ key: "http", host: undefined, port: 8222 }]);
    expect(ep("host: 10.0.0.2\nhttp: 8222")).toEqual([{ key: "http", host: "10.0.0.2", port: 8222 }]);
    expect(ep('https: "[::1]:8222"')).toEqual([{ key: "https", host: "::1", port: 8222 }]);
    expect(ep("http: localhost:8222")).toEqual([{ key: "http", host: "localhost", port: 8222 }]);
    expect(ep('http: "fe80::1"')).toEqual([{ key: "http", host: "fe80::1", port: undefined }]);
    expect(ep("http: monitor")).toEqual([{ key: "http", host: "monitor", port: undefined }]);
    expect(ep("http_host: 127.0.0.1\nmonitor_port: 8222\nhttps_port: '8223'")).toEqual([
      { key: "https_port", host: "127.0.0.1", port: 8223 },
      { key: "monitor_port", host: "127.0.0.1", port: 8222 },
    ]);
    expect(ep("net: 0.0.0.0\nhttp_port: 1")).toEqual([{ key: "http_port", host: "0.0.0.0", port: 1 }]);
    // The client listener's host is the monitor's too (nats-server 2.9: "listen: 127.0.0.2:14222"
    // with http_port starts the monitor on 127.0.0.2).
    expect(ep("listen: 10.0.0.5:4222\nhttp_port: 8222")).toEqual([
      { key: "http_port", host: "10.0.0.5", port: 8222 },
    ]);
    expect(ep("listen: 4222\nhttp_port: 8222")).toEqual([{ key: "http_port", host: undefined, port: 8222 }]);
    expect(ep("host: 127.0.0.1\nlisten: 10.0.0.5:4222\nhttp_port: 8222")).toEqual([
      { key: "http_port", host: "127.0.0.1", port: 8222 },
    ]);
    expect(ep("port: 4222")).toEqual([]);
  });

  it("names a user without a readable name <unnamed>", () => {
    const { root } = parseNatsConf("authorization { users: [ { password: p } ], user: [ x ], password: q }");
    expect(natsUsers(root).map((u) => u.name)).toEqual(["<unnamed>", "<unnamed>"]);
  });

  it("reads a publish list with anything but strings in it as allowing everything", () => {
    expect(publishRights({ publish: ["a", new UnresolvedVariable("P")] })).toEqual({
      allow: [">"],
      deny: [],
    });
    expect(publishRights({ publish: { allow: "a", deny: ["b", new UnresolvedVariable("D")] } })).toEqual({
      allow: ["a"],
      deny: [],
    });
  });

  it("judges the password of a user that has both an nkey and a password", () => {
    const nkey = `U${"A".repeat(55)}`;
    const user = (password: NatsValue | undefined) => ({
      name: "x",
      account: "$G",
      nkey,
      password,
      permissions: undefined,
    });
    expect(credentialProblem(user(undefined), 10)).toBeUndefined();
    expect(credentialProblem(user("plain"), 10)).toBe("has a password that is not a bcrypt hash");
    expect(credentialProblem(user(BCRYPT_11), 10)).toBeUndefined();
    expect(credentialProblem({ ...user(undefined), nkey: `${nkey}A` }, 10)).toBe(
      "has an nkey that is not a user public key (U…, 56 characters)",
    );
    // An nkey that is not a literal string fails closed, even a list holding a well-formed key.
    expect(credentialProblem({ ...user(undefined), nkey: [nkey] }, 10)).toBe(
      "has an nkey that is not a user public key (U…, 56 characters)",
    );
  });

  it("reads an http address with anything around host:port as a host it cannot place", () => {
    const ep = (conf: string) => monitorEndpoints(parseNatsConf(conf).root);
    expect(ep('http: "[::1]:8222x"')).toEqual([{ key: "http", host: "[::1]:8222x", port: undefined }]);
    expect(ep('http: "evil[::1]:8222"')).toEqual([{ key: "http", host: "evil[::1]:8222", port: undefined }]);
    expect(ep("http: monitor8222")).toEqual([{ key: "http", host: "monitor8222", port: undefined }]);
    expect(ep("http: 8222abc")).toEqual([{ key: "http", host: "8222abc", port: undefined }]);
    // ":8222" binds every interface (Go's SplitHostPort gives an empty host).
    expect(ep('http: ":8222"')).toEqual([{ key: "http", host: "", port: 8222 }]);
    // An address that cannot be read names no host, which is no loopback.
    expect(ep("http: $MONITOR")).toEqual([{ key: "http", host: "", port: undefined }]);
  });
});
