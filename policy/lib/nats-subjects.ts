// NATS subject algebra: tokens separated by ".", "*" matches one token, ">" matches one or more
// trailing tokens. Used to decide exactly whether a user's allow/deny lists let it publish to some
// subject in a forbidden set.

function subjectTokens(subject: string): string[] {
  return subject.trim().split(".");
}

/** Does pattern match the concrete subject? */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = subjectTokens(pattern);
  const s = subjectTokens(subject);
  for (let i = 0; i < p.length; i++) {
    const token = p[i];
    if (token === ">") return s.length > i;
    if (i >= s.length) return false;
    if (token !== "*" && token !== s[i]) return false;
  }
  return p.length === s.length;
}

/** The pattern matching exactly the subjects both patterns match, or undefined if none. */
export function intersectPatterns(a: string, b: string): string | undefined {
  const x = subjectTokens(a);
  const y = subjectTokens(b);
  const out: string[] = [];
  for (let i = 0; ; i++) {
    const tx = x[i];
    const ty = y[i];
    if (tx === ">") return ty === undefined ? undefined : [...out, ...y.slice(i)].join(".");
    if (ty === ">") return tx === undefined ? undefined : [...out, ...x.slice(i)].join(".");
    if (tx === undefined || ty === undefined) return tx === ty ? out.join(".") : undefined;
    if (tx === "*") out.push(ty);
    else if (ty === "*" || tx === ty) out.push(tx);
    else return undefined;
  }
}

// A token that appears in no pattern: a wildcard filled with it is matched only by wildcards, so it
// stands for every token a wildcard could take.
const FRESH_TOKEN = "\u0000fresh";

/**
 * Concrete representatives of every subject a pattern matches: "*" becomes a fresh token and ">"
 * becomes 1..maxExtra fresh tokens. Any pattern list that matches all representatives matches the
 * whole pattern, provided maxExtra exceeds the longest pattern involved.
 */
function representatives(pattern: string, maxExtra: number): string[] {
  const tokens = subjectTokens(pattern).map((t) => (t === "*" ? FRESH_TOKEN : t));
  if (tokens[tokens.length - 1] !== ">") return [tokens.join(".")];
  const head = tokens.slice(0, -1);
  const out: string[] = [];
  for (let n = 1; n <= maxExtra; n++) out.push([...head, ...Array<string>(n).fill(FRESH_TOKEN)].join("."));
  return out;
}

export interface PublishRights {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

/**
 * A witness subject inside `forbidden` that the rights permit and `exempt` does not cover, or
 * undefined when the rights cannot reach the forbidden set at all.
 */
export function reachableForbiddenSubject(
  rights: PublishRights,
  forbidden: readonly string[],
  exempt: readonly string[],
): string | undefined {
  const all = [...rights.allow, ...rights.deny, ...forbidden, ...exempt];
  const longest = Math.max(...all.map((p) => subjectTokens(p).length));
  for (const allowed of rights.allow) {
    for (const target of forbidden) {
      const overlap = intersectPatterns(allowed, target);
      if (overlap === undefined) continue;
      for (const subject of representatives(overlap, longest + 1)) {
        const blocked = [...rights.deny, ...exempt].some((p) => subjectMatches(p, subject));
        if (!blocked) return subject.replaceAll(FRESH_TOKEN, "x");
      }
    }
  }
  return undefined;
}
