// A small parser for the NATS server configuration format: a relaxed JSON/HOCON-like syntax
// (`key: value`, `key = value`, `key value`, `{}` maps, `[]` arrays, `#` and `//` comments,
// quoted or bare strings, `$variables`, `include`). Keys are case-insensitive in nats-server, so
// they are lower-cased here. Variables are resolved against enclosing maps the way the server does;
// one that cannot be resolved is kept as an UnresolvedVariable so policies can fail closed.

export class UnresolvedVariable {
  constructor(readonly name: string) {}
}

export type NatsValue = string | number | boolean | UnresolvedVariable | NatsValue[] | NatsMap;
export interface NatsMap {
  [key: string]: NatsValue;
}

export interface NatsConfig {
  readonly root: NatsMap;
  /** Paths named by `include` directives, in order. */
  readonly includes: readonly string[];
  /** Included paths the resolver could not supply: their content was not checked. */
  readonly unresolvedIncludes: readonly string[];
}

/** Supplies the text of an included file, or undefined when it is not available. */
export type IncludeResolver = (path: string) => string | undefined;

const MAX_INCLUDES = 32;

export class NatsParseError extends Error {
  constructor(message: string, line: number) {
    super(`line ${line}: ${message}`);
  }
}

type Token =
  | { kind: "punct"; value: "{" | "}" | "[" | "]" | "=" | ":" | "," | ";"; line: number }
  | { kind: "newline"; line: number }
  | { kind: "string"; value: string; quoted: boolean; line: number };

const BARE_STOP = new Set([" ", "\t", "\r", "\n", ",", ";", "{", "}", "[", "]", "#", '"', "'"]);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? "";
    if (ch === "\n") {
      tokens.push({ kind: "newline", line });
      line++;
      i++;
    } else if (ch === " " || ch === "\t" || ch === "\r") {
      i++;
    } else if (ch === "#" || (ch === "/" && text[i + 1] === "/")) {
      while (i < text.length && text[i] !== "\n") i++;
    } else if ("{}[]=,;".includes(ch)) {
      tokens.push({ kind: "punct", value: ch as "{", line });
      i++;
    } else if (ch === ":") {
      tokens.push({ kind: "punct", value: ":", line });
      i++;
    } else if (ch === '"' || ch === "'") {
      const [value, next, lines] = readQuoted(text, i, line);
      tokens.push({ kind: "string", value, quoted: true, line });
      line += lines;
      i = next;
    } else {
      let j = i;
      // A bare word may contain ':' (host:port) and "//" (nats://host): a key's ':' separator is
      // followed by space or ends the word, which the parser handles by splitting "key:" below.
      while (j < text.length && !BARE_STOP.has(text[j] ?? "")) j++;
      const word = text.slice(i, j);
      if (word.endsWith(":") || word.endsWith("=")) {
        tokens.push({ kind: "string", value: word.slice(0, -1), quoted: false, line });
        tokens.push({ kind: "punct", value: word.endsWith(":") ? ":" : "=", line });
      } else if (word.includes("=")) {
        const eq = word.indexOf("=");
        tokens.push({ kind: "string", value: word.slice(0, eq), quoted: false, line });
        tokens.push({ kind: "punct", value: "=", line });
        tokens.push({ kind: "string", value: word.slice(eq + 1), quoted: false, line });
      } else {
        tokens.push({ kind: "string", value: word, quoted: false, line });
      }
      i = j;
    }
  }
  return tokens;
}

function readQuoted(text: string, start: number, line: number): [string, number, number] {
  const quote = text[start];
  let value = "";
  let lines = 0;
  let i = start + 1;
  while (i < text.length && text[i] !== quote) {
    const ch = text[i] ?? "";
    if (ch === "\n") lines++;
    if (ch === "\\" && quote === '"' && i + 1 < text.length) {
      const escaped = text[i + 1] ?? "";
      value += ({ n: "\n", t: "\t", r: "\r" } as Record<string, string>)[escaped] ?? escaped;
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
  if (i >= text.length) throw new NatsParseError("unterminated quoted string", line);
  return [value, i + 1, lines];
}

class Parser {
  private position = 0;
  readonly includes: string[] = [];
  readonly unresolvedIncludes: string[] = [];
  private readonly scopes: NatsMap[] = [];

  constructor(
    private readonly tokens: Token[],
    private readonly resolveInclude: IncludeResolver,
  ) {}

  parseDocument(): NatsMap {
    const root = this.parseEntries(undefined);
    return root;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(): Token | undefined {
    return this.tokens[this.position++];
  }

  private skipSeparators(): void {
    for (
      let t = this.peek();
      t && (t.kind === "newline" || (t.kind === "punct" && (t.value === "," || t.value === ";")));
      t = this.peek()
    ) {
      this.position++;
    }
  }

  private skipNewlines(): void {
    while (this.peek()?.kind === "newline") this.position++;
  }

  private parseEntries(closing: "}" | undefined): NatsMap {
    const map: NatsMap = {};
    this.scopes.push(map);
    // nats-server keeps keys as written: account names and mapping subjects that differ only in
    // case are distinct there, but would be one lower-cased key here, the later hiding the earlier.
    const spellings = new Map<string, string>();
    const set = (written: string, value: NatsValue, line: number) => {
      const key = written.toLowerCase();
      const before = spellings.get(key);
      if (before !== undefined && before !== written)
        throw new NatsParseError(
          `keys '${before}' and '${written}' differ only in case: nats-server keeps both, so one would go unchecked`,
          line,
        );
      spellings.set(key, written);
      map[key] = value;
    };
    for (;;) {
      this.skipSeparators();
      const token = this.next();
      if (!token) {
        if (closing) throw new NatsParseError(`missing '${closing}'`, this.lastLine());
        break;
      }
      if (token.kind === "punct" && token.value === closing) break;
      if (token.kind !== "string")
        throw new NatsParseError(`unexpected '${tokenText(token)}' where a key belongs`, token.line);
      const colon = token.quoted ? -1 : token.value.indexOf(":");
      if (colon > 0) {
        // "key:value" written without spaces is one bare word.
        set(token.value.slice(0, colon), this.bareValue(token.value.slice(colon + 1)), token.line);
        continue;
      }
      if (token.value.toLowerCase() === "include" && !token.quoted) {
        const target = this.next();
        if (target?.kind !== "string") throw new NatsParseError("include needs a path", token.line);
        this.include(target.value, token.line);
        continue;
      }
      const separator = this.peek();
      if (separator?.kind === "punct" && (separator.value === ":" || separator.value === "="))
        this.position++;
      this.skipNewlines();
      set(token.value, this.parseValue(token.line), token.line);
    }
    this.scopes.pop();
    return map;
  }

  /** An include is spliced in where it stands, as nats-server does. */
  private include(path: string, line: number): void {
    this.includes.push(path);
    if (this.includes.length > MAX_INCLUDES) throw new NatsParseError("too many includes (cycle?)", line);
    const text = this.resolveInclude(path);
    if (text === undefined) {
      this.unresolvedIncludes.push(path);
      return;
    }
    this.tokens.splice(this.position, 0, ...tokenize(text), { kind: "newline", line });
  }

  private parseValue(line: number): NatsValue {
    const token = this.next();
    if (!token) throw new NatsParseError("missing value", line);
    if (token.kind === "punct" && token.value === "{") return this.parseEntries("}");
    if (token.kind === "punct" && token.value === "[") return this.parseArray();
    if (token.kind === "string") return token.quoted ? token.value : this.bareValue(token.value);
    throw new NatsParseError(`unexpected '${tokenText(token)}' where a value belongs`, token.line);
  }

  private parseArray(): NatsValue[] {
    const items: NatsValue[] = [];
    for (;;) {
      this.skipSeparators();
      const token = this.peek();
      if (!token) throw new NatsParseError("missing ']'", this.lastLine());
      if (token.kind === "punct" && token.value === "]") {
        this.position++;
        return items;
      }
      items.push(this.parseValue(token.line));
    }
  }

  private bareValue(word: string): NatsValue {
    if (word.startsWith("$")) return this.resolve(word.slice(1));
    const lower = word.toLowerCase();
    if (["true", "yes", "on"].includes(lower)) return true;
    if (["false", "no", "off"].includes(lower)) return false;
    if (/^-?\d+(\.\d+)?$/.test(word)) return Number(word);
    return word;
  }

  private resolve(name: string): NatsValue {
    const key = name.toLowerCase();
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const scope = this.scopes[i];
      if (scope && key in scope) return scope[key] as NatsValue;
    }
    return new UnresolvedVariable(name);
  }

  private lastLine(): number {
    return this.tokens[this.tokens.length - 1]?.line ?? 1;
  }
}

function tokenText(token: Token): string {
  return token.kind === "newline" ? "newline" : token.value;
}

export function parseNatsConf(text: string, resolveInclude: IncludeResolver = () => undefined): NatsConfig {
  const parser = new Parser(tokenize(text), resolveInclude);
  const root = parser.parseDocument();
  return { root, includes: parser.includes, unresolvedIncludes: parser.unresolvedIncludes };
}

export function isNatsMap(value: NatsValue | undefined): value is NatsMap {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof UnresolvedVariable)
  );
}
