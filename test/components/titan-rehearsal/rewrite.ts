// Rewrites of the generated server configs for a run on loopback, each one named so the test prints
// exactly what changed. Nothing else in the generated text is touched.
import bcrypt from "bcryptjs";

export interface Rewritten {
  text: string;
  changes: string[];
}

function replaceOne(text: string, re: RegExp, to: string, what: string, changes: string[]): string {
  const m = text.match(re);
  if (!m) throw new Error(`generated config has no ${what} (pattern ${re}); the rehearsal cannot rewrite it`);
  const next = text.replace(re, to);
  const after = next.slice(m.index ?? 0).split("\n")[0] ?? "";
  changes.push(`${what}: ${m[0].trim()} -> ${after.trim()}`);
  return next;
}

/** Options the pinned nats:2.10 image accepts and Debian's nats-server 2.9.10 rejects. */
export const NATS_2_10_ONLY: ReadonlyArray<{ option: string; line: RegExp; effect: string }> = [
  {
    option: "tls.min_version",
    line: /^\s*min_version: .*\n/gm,
    effect:
      "2.9.10 has no tls.min_version: the TLS 1.3 floor is NOT enforced by this server; the clients still negotiate TLS 1.3 (Node and Go both prefer it), so connections here run TLS 1.3 but a TLS 1.2 client would not be refused as on 2.10",
  },
];

export function rewriteNatsConf(
  generated: string,
  o: {
    port: number;
    monitorPort: number;
    storeDir: string;
    tls: { certFile: string; keyFile: string; caFile: string };
    /** user -> password from the env of the container that logs in as that user */
    passwords: Map<string, string>;
  },
): Rewritten {
  const changes: string[] = [];
  let t = generated;
  t = replaceOne(t, /^listen: .*$/m, `listen: "127.0.0.1:${o.port}"`, "listen", changes);
  if (/^http: .*$/m.test(t))
    t = replaceOne(t, /^http: .*$/m, `http: "127.0.0.1:${o.monitorPort}"`, "http", changes);
  t = replaceOne(t, /^(\s*)store_dir: .*$/m, `$1store_dir: "${o.storeDir}"`, "jetstream.store_dir", changes);
  const fake = "(offline @pulumi/tls mocks emit FAKE PEMs; a throwaway openssl CA + server cert stands in)";
  t = replaceOne(
    t,
    /^(\s*)cert_file: .*$/m,
    `$1cert_file: "${o.tls.certFile}"`,
    `tls.cert_file ${fake}`,
    changes,
  );
  t = replaceOne(
    t,
    /^(\s*)key_file: .*$/m,
    `$1key_file: "${o.tls.keyFile}"`,
    `tls.key_file ${fake}`,
    changes,
  );
  t = replaceOne(t, /^(\s*)ca_file: .*$/m, `$1ca_file: "${o.tls.caFile}"`, `tls.ca_file ${fake}`, changes);
  for (const { option, line, effect } of NATS_2_10_ONLY) {
    const next = t.replace(line, "");
    if (next !== t) changes.push(`removed ${option} for nats-server 2.9.10 (${effect})`);
    t = next;
  }
  // The offline random-password mock's bcryptHash is not a hash of its password: put in the bcrypt of
  // the password each container really gets, so a login works only when the env carries that password.
  const rehashed: string[] = [];
  t = t.replace(
    /(user: "([^"]+)"\n\s*password: ")([^"]*)(")/g,
    (all, head: string, user: string, _h, tail: string) => {
      const pass = o.passwords.get(user);
      if (pass === undefined) return all;
      rehashed.push(user);
      return `${head}${bcrypt.hashSync(pass, 4)}${tail}`;
    },
  );
  changes.push(
    `password hashes of [${rehashed.join(", ")}]: offline mock bcryptHash -> bcrypt(NATS_PASS of the container whose NATS_USER is that user); other users keep the mock hash (no login)`,
  );
  return { text: t, changes };
}

export function rewriteRedisConf(generated: string, o: { port: number; dir: string }): Rewritten {
  const changes: string[] = [];
  let t = generated;
  t = replaceOne(t, /^port .*$/m, `port ${o.port}`, "port", changes);
  t = replaceOne(t, /^dir .*$/m, `dir ${o.dir}`, "dir", changes);
  if (/^bind .*$/m.test(t))
    t = replaceOne(t, /^bind .*$/m, "bind 127.0.0.1", "bind (loopback only here)", changes);
  return { text: t, changes };
}

/** A URL's host and port pointed at a loopback port; scheme, credentials, path and query kept. */
export function loopbackUrl(url: string, port: number): string {
  const m = url.match(/^([a-z][a-z0-9+.-]*:\/\/)([^@/]*@)?(\[[^\]]+\]|[^:/?#]+)(:\d+)?(.*)$/i);
  if (!m) throw new Error(`not a URL with a host: ${url.replace(/:[^:@/]*@/, ":***@")}`);
  return `${m[1]}${m[2] ?? ""}127.0.0.1:${port}${m[5] ?? ""}`;
}

/** NATS subject pattern match (* one token, > the rest). */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split(".");
  const s = subject.split(".");
  for (let i = 0; i < p.length; i++) {
    if (p[i] === ">") return s.length > i;
    if (i >= s.length || (p[i] !== "*" && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

/** A concrete subject inside a pattern. */
export const concreteSubject = (pattern: string): string =>
  pattern.replace(/>$/, "rehearsal.v1").replace(/\*/g, "rehearsal");
