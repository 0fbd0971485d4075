// Traefik v3 HTTP router rules, read the way Traefik reads them: a Go expression of matcher calls
// joined by `&&` (binds tighter) and `||`, negated with `!`, grouped with parentheses; arguments
// are Go string literals (`raw` or "interpreted"). Traefik (pkg/rules/parser.go) accepts each
// matcher name as written, lower-case, upper-case or Title-case; this parser accepts any case,
// a superset, which only matters for rules Traefik itself would refuse to load.

export type RuleNode =
  | { readonly kind: "and" | "or"; readonly left: RuleNode; readonly right: RuleNode }
  | { readonly kind: "not"; readonly operand: RuleNode }
  | { readonly kind: "matcher"; readonly name: string; readonly args: readonly string[] };

export type ParsedRule = { ok: true; rule: RuleNode } | { ok: false; error: string };

/** Traefik v3 HTTP matchers and how many arguments each takes (pkg/muxer/http/matcher.go). */
const MATCHERS: Record<string, { name: string; arity: readonly number[] }> = Object.fromEntries(
  (
    [
      ["ClientIP", [1]],
      ["Method", [1]],
      ["Host", [1]],
      ["HostRegexp", [1]],
      ["Path", [1]],
      ["PathRegexp", [1]],
      ["PathPrefix", [1]],
      ["Header", [2]],
      ["HeaderRegexp", [2]],
      ["Query", [1, 2]],
      ["QueryRegexp", [1, 2]],
    ] as const
  ).map(([name, arity]) => [name.toLowerCase(), { name, arity }]),
);

type Token =
  | { type: "ident"; text: string }
  | { type: "string"; text: string }
  | { type: "punct"; text: "(" | ")" | "," | "&&" | "||" | "!" };

function tokenize(rule: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < rule.length) {
    const rest = rule.slice(i);
    const space = /^\s+/.exec(rest);
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    const op = /^(&&|\|\||[(),!])/.exec(rest);
    if (space) {
      i += space[0].length;
    } else if (ident) {
      tokens.push({ type: "ident", text: ident[0] });
      i += ident[0].length;
    } else if (op) {
      tokens.push({ type: "punct", text: op[0] as "(" });
      i += op[0].length;
    } else if (rest[0] === "`" || rest[0] === '"') {
      const end = rule.indexOf(rest[0], i + 1);
      if (end < 0) throw new Error(`unterminated string at offset ${i}`);
      const text = rule.slice(i + 1, end);
      // Go unescapes "..." strings (\x2f is a slash): refuse rather than re-implement that.
      if (rest[0] === '"' && text.includes("\\"))
        throw new Error(`escape sequence in "${text}" at offset ${i}`);
      tokens.push({ type: "string", text });
      i = end + 1;
    } else {
      throw new Error(`unexpected '${rest[0]}' at offset ${i}`);
    }
  }
  return tokens;
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): RuleNode {
    const node = this.or();
    if (this.position < this.tokens.length) throw new Error(`unexpected '${this.peek()?.text}'`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private take(text?: string): Token {
    const token = this.tokens[this.position];
    if (token === undefined) throw new Error("unexpected end of rule");
    if (text !== undefined && (token.type !== "punct" || token.text !== text))
      throw new Error(`expected '${text}', found '${token.text}'`);
    this.position += 1;
    return token;
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token?.type === "punct" && token.text === text;
  }

  private or(): RuleNode {
    let left = this.and();
    while (this.isPunct("||")) {
      this.take();
      left = { kind: "or", left, right: this.and() };
    }
    return left;
  }

  private and(): RuleNode {
    let left = this.unary();
    while (this.isPunct("&&")) {
      this.take();
      left = { kind: "and", left, right: this.unary() };
    }
    return left;
  }

  private unary(): RuleNode {
    if (this.isPunct("!")) {
      this.take();
      return { kind: "not", operand: this.unary() };
    }
    if (this.isPunct("(")) {
      this.take();
      const inner = this.or();
      this.take(")");
      return inner;
    }
    return this.matcher();
  }

  private matcher(): RuleNode {
    const ident = this.take();
    if (ident.type !== "ident") throw new Error(`expected a matcher, found '${ident.text}'`);
    const known = MATCHERS[ident.text.toLowerCase()];
    if (known === undefined) throw new Error(`unknown matcher ${ident.text}`);
    this.take("(");
    const args: string[] = [];
    while (!this.isPunct(")")) {
      if (args.length > 0) this.take(",");
      const arg = this.take();
      if (arg.type !== "string") throw new Error(`${known.name} takes string literals, found '${arg.text}'`);
      args.push(arg.text);
    }
    this.take(")");
    if (!known.arity.includes(args.length))
      throw new Error(`${known.name} takes ${known.arity.join(" or ")} argument(s), got ${args.length}`);
    return { kind: "matcher", name: known.name, args };
  }
}

export function parseRule(rule: string): ParsedRule {
  try {
    const tokens = tokenize(rule);
    if (tokens.length === 0) return { ok: false, error: "empty rule" };
    return { ok: true, rule: new Parser(tokens).parse() };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

const PATH_MATCHERS = new Set(["Path", "PathPrefix", "PathRegexp"]);

/** One Path/PathPrefix/PathRegexp in a rule, and whether a `!` applies to it. */
export interface PathMatcher {
  readonly name: string;
  readonly value: string;
  readonly negated: boolean;
}

export function pathMatchers(node: RuleNode, negated = false): PathMatcher[] {
  switch (node.kind) {
    case "and":
    case "or":
      return [...pathMatchers(node.left, negated), ...pathMatchers(node.right, negated)];
    case "not":
      return pathMatchers(node.operand, !negated);
    default:
      return PATH_MATCHERS.has(node.name) ? [{ name: node.name, value: node.args[0] ?? "", negated }] : [];
  }
}

export const describeMatcher = (m: PathMatcher): string => `${m.negated ? "!" : ""}${m.name}(\`${m.value}\`)`;

/**
 * A literal path a prefix check can reason about: absolute, no dot segments, no doubled slashes,
 * no percent-encoding, backslash, template braces, query, fragment, whitespace or control bytes.
 */
export function isPlainPath(value: string): boolean {
  return (
    value.startsWith("/") &&
    !/[%\\{}?#\s\p{Cc}]/u.test(value) &&
    !value.includes("//") &&
    !value.split("/").some((segment) => segment === "." || segment === "..")
  );
}

/** Every path `Path(value)` or `PathPrefix(value)` matches starts with one of the allowed prefixes. */
export function withinPrefixes(value: string, allowed: readonly string[]): boolean {
  return isPlainPath(value) && allowed.some((prefix) => value.startsWith(prefix));
}

/**
 * True when every request the rule matches has a path inside the allowed prefixes: a positive
 * allowed Path/PathPrefix restricts; `&&` restricts when either side does, `||` only when both
 * do; anything negated, any other matcher (Host, Header, Method, PathRegexp...) restricts nothing.
 */
export function restrictsPath(node: RuleNode, allowed: readonly string[]): boolean {
  switch (node.kind) {
    case "and":
      return restrictsPath(node.left, allowed) || restrictsPath(node.right, allowed);
    case "or":
      return restrictsPath(node.left, allowed) && restrictsPath(node.right, allowed);
    case "not":
      return false;
    default:
      return (
        (node.name === "Path" || node.name === "PathPrefix") && withinPrefixes(node.args[0] ?? "", allowed)
      );
  }
}
