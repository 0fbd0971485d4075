import { describe, expect, it } from "vitest";
import {
  isNatsMap,
  NatsParseError,
  type NatsValue,
  parseNatsConf,
  tokenize,
  UnresolvedVariable,
} from "../../lib/nats-conf";

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

const parse = (text: string) => parseNatsConf(text).root;

describe("nats-conf details", () => {
  it("reads every boolean spelling and signed or decimal numbers", () => {
    expect(parse("a: yes\nb: on\nc: no\nd: off\ne: TRUE\nf: -3\ng: 1.5\nh: 1.5.6\ni: 10s")).toEqual({
      a: true,
      b: true,
      c: false,
      d: false,
      e: true,
      f: -3,
      g: 1.5,
      h: "1.5.6",
      i: "10s",
    });
  });

  it("handles CRLF, tabs and 'key= value' / 'key =value' forms", () => {
    expect(parse("a= 1\r\n\tb =2\r\nc\t3")).toEqual({ a: 1, b: 2, c: 3 });
  });

  it("decodes escapes only in double quotes", () => {
    expect(parse("a: \"t\\tr\\rq\\\\\"\nb: 'raw\\n'")).toEqual({ a: "t\tr\rq\\", b: "raw\\n" });
  });

  it("keeps quoted keys as written and does not treat a quoted include as a directive", () => {
    expect(parse('"include": "x"\n"a:b": 1')).toEqual({ include: "x", "a:b": 1 });
  });

  it("resolves variables case-insensitively from outer scopes, innermost first", () => {
    const root = parse("X = outer\nm { X = inner, a: $x }\nn { a: $X }\nk: $y");
    expect(root.m).toEqual({ x: "inner", a: "inner" });
    expect(root.n).toEqual({ a: "outer" });
    expect(root.k).toBeInstanceOf(UnresolvedVariable);
    expect((root.k as UnresolvedVariable).name).toBe("y");
  });

  it("reports line numbers after multi-line strings and for unterminated blocks", () => {
    expect(() => parse("a: 'x\ny'\n]")).toThrow(/^line 3: unexpected '\]' where a key belongs/);
    expect(() => parse("a {\n\n b: 1")).toThrow(/^line 3: missing '}'/);
    expect(() => parse("a: [\n1\n")).toThrow(/^line 2: missing '\]'/);
    expect(() => parse("include")).toThrow(/include needs a path/);
    expect(() => parse("include {")).toThrow(/include needs a path/);
    expect(() => parse("a: ]")).toThrow(/unexpected '\]' where a value belongs/);
    expect(() => parse("a:\n")).toThrow(/missing value/);
  });

  it("allows values on the next line and empty maps and arrays", () => {
    expect(parse("a:\n  1\nb {}\nc: []")).toEqual({ a: 1, b: {}, c: [] });
  });

  it("tokenizes punctuation and newlines with line numbers", () => {
    const tokens = tokenize("a {\n b: [1, 2]; }");
    expect(tokens.map((t) => `${t.line}:${t.kind === "newline" ? "NL" : t.value}`)).toEqual([
      "1:a",
      "1:{",
      "1:NL",
      "2:b",
      "2::",
      "2:[",
      "2:1",
      "2:,",
      "2:2",
      "2:]",
      "2:;",
      "2:}",
    ]);
  });

  it("recognises maps", () => {
    expect(isNatsMap({})).toBe(true);
    expect(isNatsMap([])).toBe(false);
    expect(isNatsMap("x")).toBe(false);
    expect(isNatsMap(undefined)).toBe(false);
    expect(isNatsMap(new UnresolvedVariable("x"))).toBe(false);
  });
});

describe("nats-conf edge cases", () => {
  it("reads key=value and key= value words as an entry, with the value typed like any bare value", () => {
    expect(parse("a=b\nc=1\nd=yes\ne= 2")).toEqual({ a: "b", c: 1, d: true, e: 2 });
    const text = (src: string) => tokenize(src).map((t) => (t.kind === "newline" ? "\\n" : t.value));
    expect(text("a= b")).toEqual(["a", "=", "b"]);
    expect(text("a: b")).toEqual(["a", ":", "b"]);
  });

  it("rejects include written as a key, as nats-server does (unknown field), instead of reading it as a value", () => {
    expect(() => parse("include: inc.conf")).toThrow(/include needs a path/);
    expect(() => parse("include=inc.conf")).toThrow(/include needs a path/);
  });

  it("keeps quoted punctuation as values, not as structure", () => {
    expect(parse(`a: "{"\nb: "["\nc: ["]", ",", ";", x]\nm { "}": 1 }\nd ":"\ne "="`)).toEqual({
      a: "{",
      b: "[",
      c: ["]", ",", ";", "x"],
      m: { "}": 1 },
      d: ":",
      e: "=",
    });
  });

  it("reports a key with nothing after it as a missing value", () => {
    expect(() => parse("a")).toThrow(/^line 1: missing value/);
  });

  it("reads decimals with several fractional digits as numbers", () => {
    expect(parse("a: 1.25\nb: -0.125")).toEqual({ a: 1.25, b: -0.125 });
  });

  it("allows 32 nested includes and refuses the 33rd", () => {
    const chain = (depth: number) => (p: string) => {
      const n = Number(p.replace(/\D/g, ""));
      return n < depth ? `include f${n + 1}.conf` : "port: 4222";
    };
    expect(parseNatsConf("include f1.conf", chain(32)).root).toEqual({ port: 4222 });
    expect(() => parseNatsConf("include f1.conf", chain(33))).toThrow(/too many includes/);
  });

  it("does not take null for a map", () => {
    expect(isNatsMap(null as unknown as NatsValue)).toBe(false);
  });
});

describe("nats-conf keys that differ only in case", () => {
  it("rejects them in one map, since nats-server keeps both and the lower-cased map would hide one", () => {
    // nats-server 2.9.10 authenticates users of both accounts A and a, and applies both mappings.
    expect(() =>
      parse("accounts {\n A: { users: [ { user: bad } ] }\n a: { users: [ { user: good } ] }\n}"),
    ).toThrow(
      /^line 3: keys 'A' and 'a' differ only in case: nats-server keeps both, so one would go unchecked$/,
    );
    expect(() => parse('mappings: { "EVT.x": "titan.cmd.x", "evt.x": "evt.y" }')).toThrow(
      /^line 1: keys 'EVT\.x' and 'evt\.x' differ only in case/,
    );
    expect(() => parse("Port:1\nport: 2")).toThrow(/^line 2: keys 'Port' and 'port' differ only in case/);
  });

  it("accepts the same spelling twice and case variants in different maps", () => {
    expect(parse("a { X: 1 }\nb { x: 2 }")).toEqual({ a: { x: 1 }, b: { x: 2 } });
    expect(parse("X: 1\nX: 2")).toEqual({ x: 2 });
  });
});
