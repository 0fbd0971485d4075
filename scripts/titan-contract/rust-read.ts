// Reads env vars and NATS usage from Rust source with a small tokenizer (comments and strings are
// handled, `#[cfg(test)] mod` blocks are skipped). It recognises the shapes async-nats code uses:
// env::var("X").unwrap_or_else(..), .subscribe(subjects::X), create_stream(Config { name, subjects }),
// stream.create_consumer(pull::Config { durable_name, filter_subject }).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { emptyFindings, type Findings } from "./findings";

interface Tok {
  t: "id" | "str" | "num" | "punct";
  v: string;
  line: number;
}

export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let line = 1;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === "\n") {
      line++;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (src.startsWith("//", i)) {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    if (src.startsWith("/*", i)) {
      let depth = 0;
      do {
        if (src.startsWith("/*", i)) {
          depth++;
          i += 2;
        } else if (src.startsWith("*/", i)) {
          depth--;
          i += 2;
        } else {
          if (src[i] === "\n") line++;
          i++;
        }
      } while (depth > 0 && i < src.length);
      continue;
    }
    const raw = /^r(#*)"/.exec(src.slice(i, i + 10));
    if (raw) {
      const close = `"${raw[1]}`;
      const start = i + raw[0].length;
      const end = src.indexOf(close, start);
      const v = src.slice(start, end);
      out.push({ t: "str", v, line });
      line += v.split("\n").length - 1;
      i = end + close.length;
      continue;
    }
    if (c === '"' || (c === "b" && src[i + 1] === '"')) {
      const startLine = line;
      i += c === "b" ? 2 : 1;
      let v = "";
      while (i < src.length && src[i] !== '"') {
        if (src[i] === "\\") {
          const n = src[i + 1];
          v += n === "n" ? "\n" : n === "t" ? "\t" : (n ?? "");
          i += 2;
          continue;
        }
        if (src[i] === "\n") line++;
        v += src[i];
        i++;
      }
      i++;
      out.push({ t: "str", v, line: startLine });
      continue;
    }
    if (c === "'") {
      // char literal or lifetime
      const ch = /^'(\\.|[^\\'])'/.exec(src.slice(i, i + 12));
      if (ch) {
        i += ch[0].length;
        continue;
      }
      i++;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 200));
    if (id) {
      out.push({ t: "id", v: id[0], line });
      i += id[0].length;
      continue;
    }
    const num = /^[0-9][0-9_a-zA-Z.]*/.exec(src.slice(i, i + 60));
    if (num) {
      out.push({ t: "num", v: num[0], line });
      i += num[0].length;
      continue;
    }
    if (src.startsWith("::", i)) {
      out.push({ t: "punct", v: "::", line });
      i += 2;
      continue;
    }
    out.push({ t: "punct", v: c, line });
    i++;
  }
  return dropTestModules(out);
}

const OPEN: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/** Index of the token closing the bracket at `i`. */
function closing(toks: Tok[], i: number): number {
  const open = toks[i]?.v as string;
  const close = OPEN[open];
  let depth = 0;
  for (let j = i; j < toks.length; j++) {
    const v = toks[j]?.v;
    if (toks[j]?.t !== "punct") continue;
    if (v === open) depth++;
    else if (v === close) {
      depth--;
      if (depth === 0) return j;
    }
  }
  return toks.length - 1;
}

function dropTestModules(toks: Tok[]): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < toks.length; i++) {
    const s = toks
      .slice(i, i + 7)
      .map((t) => t.v)
      .join(" ");
    if (s === "# [ cfg ( test ) ]") {
      // skip the attribute and the item that follows (mod x { ... } or fn ... { ... })
      let j = i + 7;
      while (j < toks.length && toks[j]?.v !== "{" && toks[j]?.v !== ";") j++;
      i = toks[j]?.v === "{" ? closing(toks, j) : j;
      continue;
    }
    out.push(toks[i] as Tok);
  }
  return out;
}

function rustFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (name !== "bin" && name !== "tests") walk(p);
      } else if (name.endsWith(".rs") && name !== "tests.rs" && !name.endsWith("_test.rs")) {
        out.push(p);
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

const WILD = "*";

export function readRustCrate(titanDir: string, crateDir: string): Findings {
  const out = emptyFindings();
  const files = rustFiles(join(crateDir, "src"));
  const parsed = files.map((f) => ({ rel: relative(titanDir, f), toks: tokenize(readFileSync(f, "utf8")) }));
  // pub const NAME: &str = "...";
  const consts = new Map<string, string>();
  for (const { toks } of parsed) {
    for (let i = 0; i + 6 < toks.length; i++) {
      const w = toks.slice(i, i + 7);
      if (
        w[0]?.v === "const" &&
        w[1]?.t === "id" &&
        w[2]?.v === ":" &&
        w[3]?.v === "&" &&
        w[4]?.v === "str"
      ) {
        if (w[5]?.v === "=" && w[6]?.t === "str" && !consts.has(w[1].v)) consts.set(w[1].v, w[6].v);
      }
    }
  }

  for (const { rel, toks } of parsed) {
    const at = (i: number): string => `${rel}:${toks[i]?.line ?? 0}`;
    const v = (i: number): string => toks[i]?.v ?? "";

    /** Value of an expression starting at i (string, subjects::X, X.to_string(), format!, a let-bound name). */
    const value = (i: number, depth = 0): string | undefined => {
      if (depth > 8) return undefined;
      const tok = toks[i];
      if (!tok) return undefined;
      if (tok.t === "str") return tok.v;
      if (tok.t === "id" && v(i + 1) === "!" && tok.v === "format" && v(i + 2) === "(") {
        const end = closing(toks, i + 2);
        const fmt = toks[i + 3];
        if (fmt?.t !== "str") return undefined;
        const args: string[] = [];
        let j = i + 4;
        while (j < end) {
          if (v(j) === ",") {
            args.push(value(j + 1, depth + 1) ?? WILD);
            j = skipExpr(j + 1, end);
          } else j++;
        }
        let k = 0;
        return fmt.v.replace(/\{[^}]*\}/g, () => args[k++] ?? WILD);
      }
      if (tok.t === "id") {
        // path::to::NAME -> last segment
        let j = i;
        while (v(j + 1) === "::" && toks[j + 2]?.t === "id") j += 2;
        const name = v(j);
        if (consts.has(name)) return consts.get(name);
        if (j === i) return letValue(name, i, depth);
      }
      return undefined;
    };
    const skipExpr = (i: number, end: number): number => {
      let j = i;
      while (j < end && v(j) !== ",") {
        if (OPEN[v(j)]) j = closing(toks, j);
        j++;
      }
      return j;
    };
    /** Nearest preceding `let [mut] name [: T] = expr`. */
    const letValue = (name: string, before: number, depth: number): string | undefined => {
      for (let j = before - 1; j >= 0; j--) {
        if (v(j) !== "let") continue;
        let k = j + 1;
        if (v(k) === "mut") k++;
        if (v(k) !== name) continue;
        k++;
        if (v(k) === ":") while (k < before && v(k) !== "=") k++;
        if (v(k) !== "=") continue;
        return value(k + 1, depth + 1);
      }
      return undefined;
    };
    /** Tokens `let name = ... get_stream(x)` -> the stream name bound to a variable. */
    const streamOfVar = (name: string, before: number): string | undefined => {
      for (let j = before - 1; j >= 0; j--) {
        if (v(j) !== "let") continue;
        const k = v(j + 1) === "mut" ? j + 2 : j + 1;
        if (v(k) !== name) continue;
        for (let m = k; m < before && m < k + 40; m++) {
          if ((v(m) === "get_stream" || v(m) === "create_stream") && v(m + 1) === "(") return value(m + 2);
        }
        return undefined;
      }
      return undefined;
    };
    /** Items of `vec![a, b]` starting at the `vec` token. */
    const vecItems = (q: number): string[] => {
      const e = closing(toks, q + 2);
      const vals: string[] = [];
      for (let r = q + 3; r < e; r = skipExpr(r, e) + 1) {
        const y = value(r);
        if (y) vals.push(y);
      }
      return vals;
    };
    /** `let name = vec![...]` before `before`. */
    const letVec = (name: string, before: number): string[] | undefined => {
      for (let m = before - 1; m >= 0; m--) {
        if (v(m) !== "let") continue;
        const k = v(m + 1) === "mut" ? m + 2 : m + 1;
        if (v(k) !== name) continue;
        for (let q = k; q < before && q < k + 8 && v(q) !== ";"; q++) {
          if (v(q) === "vec" && v(q + 1) === "!") return vecItems(q);
        }
        return undefined;
      }
      return undefined;
    };
    /** Inside a `Config { ... }` literal starting at `{`: the value of field `name`. */
    const field = (open: number, name: string): { value?: string; values?: string[] } => {
      const end = closing(toks, open);
      for (let j = open + 1; j < end; j++) {
        if (v(j) !== name || toks[j - 1]?.v === ".") continue;
        if (v(j + 1) === "," || v(j + 1) === "}") {
          const values = letVec(name, j);
          const one = letValue(name, j, 0);
          return values ? { values } : one !== undefined ? { value: one } : {};
        }
        if (v(j + 1) !== ":") continue;
        if (v(j + 2) === "Some" && v(j + 3) === "(") return { value: value(j + 4) };
        if (v(j + 2) === "vec" && v(j + 3) === "!") return { values: vecItems(j + 2) };
        if (toks[j + 2]?.t === "id" && v(j + 3) !== "::") {
          const values = letVec(v(j + 2), j);
          if (values) return { values };
        }
        const x = value(j + 2);
        return x !== undefined ? { value: x } : {};
      }
      return {};
    };

    for (let i = 0; i < toks.length; i++) {
      // env::var("X") / env::var_os("X")
      if (
        v(i) === "env" &&
        v(i + 1) === "::" &&
        (v(i + 2) === "var" || v(i + 2) === "var_os") &&
        v(i + 3) === "("
      ) {
        const name = toks[i + 4];
        if (name?.t !== "str" || v(i + 5) !== ")") continue;
        let required = false;
        let def: string | undefined;
        const after = i + 6;
        if (v(after) === "?") required = true;
        if (v(after) === ".") {
          const m = v(after + 1);
          if (m === "expect" || m === "unwrap") required = true;
          if (m === "unwrap_or_default") def = "";
          if (m === "unwrap_or" && toks[after + 3]?.t === "str") def = v(after + 3);
          if (m === "unwrap_or_else") {
            const end = closing(toks, after + 2);
            for (let j = after + 3; j < end; j++) {
              if (toks[j]?.t === "str") {
                def = v(j);
                break;
              }
            }
          }
        }
        out.env.push({
          name: name.v,
          required,
          ...(def !== undefined ? { default: def } : {}),
          source: at(i),
        });
        continue;
      }
      if (v(i) === "." && v(i + 2) === "(") {
        const m = v(i + 1);
        if (m === "subscribe" || m === "publish" || m === "request") {
          const subject = value(i + 3);
          if (subject && /^[A-Za-z0-9_$*>-]+(\.[A-Za-z0-9_$*>-]+)+$/.test(subject)) {
            out.usesNats = true;
            out[m].push({ subject, source: at(i) });
          } else if (/nats|client|^nc$|conn/i.test(v(i - 1))) {
            out.unresolved.push(`${at(i)} ${v(i - 1)}.${m}(${v(i + 3)}...)`);
          }
        }
        if (m === "get_stream") {
          const name = value(i + 3);
          if (name) out.streamsLookedUp.push({ name, source: at(i) });
        }
        if (m === "create_stream" || m === "get_or_create_stream") {
          const brace = toks.findIndex((t, idx) => idx > i && t.v === "{");
          const name = field(brace, "name").value;
          const subjects = field(brace, "subjects").values ?? [];
          if (name) out.streamsCreated.push({ name, subjects, source: at(i) });
          else out.unresolved.push(`${at(i)} create_stream`);
          out.usesNats = true;
        }
        if (m === "create_consumer" || m === "get_or_create_consumer") {
          const brace = toks.findIndex((t, idx) => idx > i && t.v === "{");
          const path = toks
            .slice(i + 3, brace)
            .map((t) => t.v)
            .join("");
          const durable = field(brace, "durable_name").value;
          const filter = field(brace, "filter_subject").value ?? "";
          const stream = toks[i - 1]?.t === "id" ? streamOfVar(v(i - 1), i) : undefined;
          if (durable) {
            out.consumers.push({
              subject: filter,
              ...(stream ? { stream } : {}),
              durable,
              kind: path.includes("pull::") ? "pull" : "push",
              created: true,
              source: at(i),
            });
          } else {
            out.unresolved.push(`${at(i)} create_consumer`);
          }
        }
      }
    }
  }
  return out;
}
