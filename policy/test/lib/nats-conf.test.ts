import { describe, expect, it } from "vitest";
import { isNatsMap, NatsParseError, parseNatsConf, tokenize, UnresolvedVariable } from "../../lib/nats-conf";

describe("nats-conf parser", () => {
  it("parses the three separators, nested maps, arrays and scalars", () => {
    const { root } = parseNatsConf(`
      port: 4222
      server_name = "titan"
      debug false
      listen:0.0.0.0:4222
      jetstream { store_dir: '/data/js', max_mem: 1G }
      cluster: { routes = [ nats://a:6222, "nats://b:6222" ] }
    `);
    expect(root.port).toBe(4222);
    expect(root.server_name).toBe("titan");
    expect(root.debug).toBe(false);
    expect(root.listen).toBe("0.0.0.0:4222");
    expect(root.jetstream).toEqual({ store_dir: "/data/js", max_mem: "1G" });
    expect(root.cluster).toEqual({ routes: ["nats://a:6222", "nats://b:6222"] });
  });

  it("skips # and // comments but keeps them inside quotes", () => {
    const { root } = parseNatsConf(`# top\nhost: "a#b" // trailing\n// whole line\nport: 1 # end`);
    expect(root).toEqual({ host: "a#b", port: 1 });
  });

  it("lower-cases keys (nats-server keys are case-insensitive)", () => {
    const { root } = parseNatsConf(`Authorization { USERS: [ { User: a, Password: "p" } ] }`);
    expect(root.authorization).toEqual({ users: [{ user: "a", password: "p" }] });
  });

  it("accepts commas, semicolons and newlines between entries and array items", () => {
    const { root } = parseNatsConf(`a: 1, b: 2; c: [x, y\n z]`);
    expect(root).toEqual({ a: 1, b: 2, c: ["x", "y", "z"] });
  });

  it("resolves variables from enclosing maps and keeps unresolved ones visible", () => {
    const { root } = parseNatsConf(
      `PERMS = { publish: ">" }\nauthorization { users: [ { user: x, permissions: $PERMS, password: $MISSING } ] }`,
    );
    const auth = root.authorization;
    if (!isNatsMap(auth) || !Array.isArray(auth.users)) throw new Error("no users");
    const user = auth.users[0];
    if (!isNatsMap(user)) throw new Error("no user");
    expect(user.permissions).toEqual({ publish: ">" });
    expect(user.password).toBeInstanceOf(UnresolvedVariable);
  });

  it("handles escapes in double quotes and multi-line quoted strings", () => {
    const { root } = parseNatsConf(`a: "x\\"y\\n"\nb: 'multi\nline'`);
    expect(root.a).toBe('x"y\n');
    expect(root.b).toBe("multi\nline");
  });

  it("splices included files where the include stands and records unresolved ones", () => {
    const files: Record<string, string> = { "auth.conf": "authorization { users: [ { user: brain } ] }" };
    const conf = parseNatsConf("port: 1\ninclude auth.conf\ninclude 'missing.conf'\n", (p) => files[p]);
    expect(conf.includes).toEqual(["auth.conf", "missing.conf"]);
    expect(conf.unresolvedIncludes).toEqual(["missing.conf"]);
    expect(conf.root.authorization).toEqual({ users: [{ user: "brain" }] });
  });

  it("stops include cycles", () => {
    expect(() => parseNatsConf("include self.conf", () => "include self.conf")).toThrow(/too many includes/);
  });

  it("rejects malformed input with a line number", () => {
    expect(() => parseNatsConf("a {\n b: 1\n")).toThrow(NatsParseError);
    expect(() => parseNatsConf('a: "open')).toThrow(/unterminated/);
    expect(() => parseNatsConf("a: [1, 2")).toThrow(/missing '\]'/);
    expect(() => parseNatsConf("} a: 1")).toThrow(/line 1/);
    expect(() => parseNatsConf("a:")).toThrow(/missing value/);
  });

  it("tokenizes key=value words", () => {
    expect(tokenize("a=b").map((t) => (t.kind === "newline" ? "\\n" : t.value))).toEqual(["a", "=", "b"]);
  });
});
