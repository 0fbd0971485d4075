import { describe, expect, it } from "vitest";
import {
  isPlainPath,
  parseRule,
  pathMatchers,
  type RuleNode,
  restrictsPath,
  withinPrefixes,
} from "../../lib/traefik-rule";

const ALLOWED = ["/api/auth", "/api/operator"];

function parsed(rule: string): RuleNode {
  const result = parseRule(rule);
  if (!result.ok) throw new Error(result.error);
  return result.rule;
}

describe("Traefik rule parser", () => {
  it("builds the tree with && binding tighter than ||", () => {
    expect(parsed('Host(`a`) && PathPrefix(`/x`) || Header(`k`, "v")')).toEqual({
      kind: "or",
      left: {
        kind: "and",
        left: { kind: "matcher", name: "Host", args: ["a"] },
        right: { kind: "matcher", name: "PathPrefix", args: ["/x"] },
      },
      right: { kind: "matcher", name: "Header", args: ["k", "v"] },
    });
    expect(parsed("!(Path(`/a`))")).toEqual({
      kind: "not",
      operand: { kind: "matcher", name: "Path", args: ["/a"] },
    });
  });

  it("normalises matcher names case-insensitively and keeps string contents verbatim", () => {
    expect(parsed("pathprefix(`/a b`)")).toEqual({ kind: "matcher", name: "PathPrefix", args: ["/a b"] });
    expect(parsed("QUERY(`k`)")).toEqual({ kind: "matcher", name: "Query", args: ["k"] });
    expect(parsed('Query(`k`, "v")')).toEqual({ kind: "matcher", name: "Query", args: ["k", "v"] });
    // Raw strings take backslashes literally, as in Go: only "..." strings are refused for them.
    expect(parsed("HeaderRegexp(`X-Id`, `^\\d+$`)")).toEqual({
      kind: "matcher",
      name: "HeaderRegexp",
      args: ["X-Id", "^\\d+$"],
    });
  });

  it("fails closed on anything it does not read exactly", () => {
    const errors: [string, string][] = [
      ["", "empty rule"],
      ["   ", "empty rule"],
      ["PathPrefix('/a')", "unexpected ''' at offset 11"],
      ["PathPrefix(`/a`", "unexpected end of rule"],
      ["PathPrefix(`/a)", "unterminated string at offset 11"],
      ['PathPrefix("/a\\x2f")', 'escape sequence in "/a\\x2f" at offset 11'],
      ["PathPrefix(`/a`, `/b`)", "PathPrefix takes 1 argument(s), got 2"],
      ["Header(`k`)", "Header takes 2 argument(s), got 1"],
      ["Query()", "Query takes 1 or 2 argument(s), got 0"],
      // biome-ignore lint/security/noSecrets: a Traefik rule or URL, not a secret
      ["HostSNI(`*`)", "unknown matcher HostSNI"],
      ["PathPrefix(`/a`) Host(`b`)", "unexpected 'Host'"],
      ["PathPrefix(`/a`) &&", "unexpected end of rule"],
      // biome-ignore lint/security/noSecrets: a Traefik rule or URL, not a secret
      ["PathPrefix(Host)", "PathPrefix takes string literals, found 'Host'"],
      ["(`/a`)", "expected a matcher, found '/a'"],
      ["PathPrefix`/a`", "expected '(', found '/a'"],
      ["PathPrefix(`/a` `/b`)", "expected ',', found '/b'"],
      ["(Path(`/a`)", "unexpected end of rule"],
      ["Path(`/a`) & Host(`b`)", "unexpected '&' at offset 11"],
      // Punctuation must be punctuation: a string spelled like it, or other punctuation, is refused.
      ["Path `(` `/a`)", "expected '(', found '('"],
      ["Path(`/a` `,` `/b`)", "expected ',', found ','"],
      ["(Path(`/a`)!", "expected ')', found '!'"],
    ];
    for (const [rule, error] of errors) expect(parseRule(rule), rule).toEqual({ ok: false, error });
  });
});

describe("path restriction", () => {
  it("lists path matchers with their negation", () => {
    expect(
      pathMatchers(parsed("!(Path(`/a`) || !PathPrefix(`/b`)) && PathRegexp(`x`) && Host(`h`)")),
    ).toEqual([
      { name: "Path", value: "/a", negated: true },
      { name: "PathPrefix", value: "/b", negated: false },
      { name: "PathRegexp", value: "x", negated: false },
    ]);
  });

  it("accepts only plain absolute paths", () => {
    for (const good of ["/api/auth", "/api/auth/", "/a-b_c.d~e"]) expect(isPlainPath(good), good).toBe(true);
    for (const bad of [
      "api/auth",
      "/api//auth",
      "/api/./auth",
      "/api/..",
      "/a%2F",
      "/a\\b",
      "/{x}",
      "/a?b",
      "/a#b",
      "/a b",
      "/a\u0000",
    ])
      expect(isPlainPath(bad), JSON.stringify(bad)).toBe(false);
    expect(withinPrefixes("/api/auth/login", ALLOWED)).toBe(true);
    expect(withinPrefixes("/api/authz", ALLOWED)).toBe(true);
    expect(withinPrefixes("/api", ALLOWED)).toBe(false);
    expect(withinPrefixes("/api/auth/../x", ALLOWED)).toBe(false);
  });

  it("decides restriction by AND/OR/NOT exactly", () => {
    const cases: [string, boolean][] = [
      ["PathPrefix(`/api/auth`)", true],
      ["Path(`/api/operator/x`)", true],
      ["Host(`h`) && PathPrefix(`/api/auth`)", true],
      ["PathPrefix(`/api/auth`) && Host(`h`)", true],
      ["PathPrefix(`/api/auth`) || PathPrefix(`/api/operator`)", true],
      ["PathPrefix(`/api/auth`) || Host(`h`)", false],
      ["Host(`h`) || PathPrefix(`/api/auth`)", false],
      ["Host(`h`) && PathPrefix(`/api/auth`) || Host(`h`)", false],
      ["Host(`h`) && (PathPrefix(`/api/auth`) || Host(`h`))", false],
      ["!PathPrefix(`/signal`)", false],
      // biome-ignore lint/security/noSecrets: a Traefik rule or URL, not a secret
      ["!!PathPrefix(`/api/auth`)", false],
      ["PathRegexp(`^/api/auth`)", false],
      // An unanchored regexp spelled like an allowed prefix matches it anywhere in the path.
      ["PathRegexp(`/api/auth`)", false],
      ["Host(`/api/auth`)", false],
      ["PathPrefix(`/signal`)", false],
      ["Host(`h`)", false],
    ];
    for (const [rule, expected] of cases) expect(restrictsPath(parsed(rule), ALLOWED), rule).toBe(expected);
  });
});
