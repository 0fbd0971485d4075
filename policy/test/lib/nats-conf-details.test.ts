import { describe, expect, it } from "vitest";
import { isNatsMap, parseNatsConf, tokenize, UnresolvedVariable } from "../../lib/nats-conf";

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
