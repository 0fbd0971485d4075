// The plan's nats.conf carries the offline mocks' bcrypt "hashes" (hex shaped like bcrypt, of no
// password): the real nats-server would refuse every login. As with the fake PEMs (tls.ts), the
// rehearsal swaps each for a real bcrypt hash of the password the plan gives the container that
// logs in as that user (its NATS_USER / NATS_PASS env), so a client with a service's plan env
// authenticates against the service's real ACL.

/** user → password, from every container env that has both NATS_USER and NATS_PASS. */
export function natsPasswordsFromEnvs(
  envLists: readonly (readonly string[] | undefined)[],
): Map<string, string> {
  const out = new Map<string, string>();
  for (const envs of envLists) {
    const user = envValue(envs, "NATS_USER");
    const pass = envValue(envs, "NATS_PASS");
    if (user && pass) out.set(user, pass);
  }
  return out;
}

/** The value of NAME in a Docker env list (`NAME=value`), or undefined. */
export function envValue(envs: readonly string[] | undefined, name: string): string | undefined {
  const line = (envs ?? []).find((e) => e.startsWith(`${name}=`));
  return line === undefined ? undefined : line.slice(name.length + 1);
}

/**
 * nats.conf with the password hash of every user in `passwords` replaced by `hash(password)`;
 * other users keep theirs. Throws when a user of `passwords` has no entry in the file.
 */
export function withRealPasswordHashes(
  conf: string,
  passwords: ReadonlyMap<string, string>,
  hash: (password: string) => string,
): string {
  const seen = new Set<string>();
  const text = conf.replace(
    /(\buser: "([^"]+)"\s*\n\s*password: ")([^"]*)(")/g,
    (whole, head: string, user: string, _old: string, tail: string) => {
      const password = passwords.get(user);
      if (password === undefined) return whole;
      seen.add(user);
      return `${head}${hash(password)}${tail}`;
    },
  );
  const missing = [...passwords.keys()].filter((u) => !seen.has(u));
  if (missing.length)
    throw new Error(`nats.conf has no user entry for ${missing.join(", ")} (a container logs in as it)`);
  return text;
}
