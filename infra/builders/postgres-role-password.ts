// Sets a PostgreSQL role's password in the running database, as a SCRAM-SHA-256 verifier computed
// here (RFC 5802 §3, RFC 7677), so the plain password never reaches the server: not its logs, not
// pg_stat_activity, not a command line. PostgreSQL stores a pre-computed verifier as given
// (src/backend/libpq/crypt.c: a value that parses as a SCRAM secret is never re-hashed).
//
// The SQL goes to psql on standard input. The verifier is secret too: with it an attacker can
// impersonate the server and brute-force the password offline, so the session switches statement
// logging off before the ALTER (a superuser may, and the postgres image's POSTGRES_USER is one).
import { createHash, createHmac, pbkdf2Sync } from "node:crypto";

/** PostgreSQL's defaults (scram-common.h): 4096 iterations, 16 bytes of salt. */
export const SCRAM_ITERATIONS = 4096;
export const SCRAM_SALT_BYTES = 16;

/** PostgreSQL's NAMEDATALEN - 1: longer identifiers are truncated, so a longer role is refused. */
const MAX_IDENTIFIER_BYTES = 63;
/**
 * Printable ASCII only: SASLprep (RFC 4013), which clients apply before hashing, maps nothing in
 * this range, so hashing the raw bytes gives what libpq and every driver compute. Generated
 * passwords are alphanumeric; anything else is refused rather than prepared by hand.
 */
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** `SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>`, base64 as PostgreSQL writes it. */
export function scramSha256Verifier(
  password: string,
  salt: Buffer,
  iterations: number = SCRAM_ITERATIONS,
): string {
  // Never echo the password in an error.
  if (!PRINTABLE_ASCII.test(password))
    throw new Error("password: must be 1 or more printable ASCII characters (no SASLprep is done here)");
  if (salt.length < SCRAM_SALT_BYTES)
    throw new Error(`salt: ${salt.length} bytes, at least ${SCRAM_SALT_BYTES} needed`);
  if (!Number.isInteger(iterations) || iterations < SCRAM_ITERATIONS)
    throw new Error(`iterations: ${iterations}, a whole number of at least ${SCRAM_ITERATIONS} needed`);
  // Hi() of RFC 5802 is PBKDF2 with HMAC-SHA-256 and one block of output.
  const salted = pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, 32, "sha256");
  const hmac = (key: Buffer, text: string) => createHmac("sha256", key).update(text).digest();
  const storedKey = createHash("sha256").update(hmac(salted, "Client Key")).digest();
  const serverKey = hmac(salted, "Server Key");
  const b64 = (b: Buffer) => b.toString("base64");
  return `SCRAM-SHA-256$${iterations}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}

const VERIFIER = /^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}:[A-Za-z0-9+/]+={0,2}$/;

/** A double-quoted SQL identifier: any role name, embedded quotes doubled, no case folding. */
export function quoteIdentifier(name: string): string {
  if (name.length === 0) throw new Error("identifier: empty");
  if (name.includes("\0")) throw new Error(`identifier ${JSON.stringify(name)}: contains NUL`);
  if (Buffer.byteLength(name, "utf8") > MAX_IDENTIFIER_BYTES)
    throw new Error(
      `identifier ${JSON.stringify(name)}: longer than ${MAX_IDENTIFIER_BYTES} bytes, PostgreSQL would truncate it`,
    );
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A SQL string literal: quotes doubled; with a backslash, the E'' form with backslashes doubled
 * (PostgreSQL's own quote_literal), so the result is the same whatever standard_conforming_strings.
 */
export function quoteLiteral(value: string): string {
  if (value.includes("\0")) throw new Error("literal: contains NUL");
  const quoted = value.replaceAll("'", "''");
  return value.includes("\\") ? `E'${quoted.replaceAll("\\", "\\\\")}'` : `'${quoted}'`;
}

export interface RolePasswordSqlInput {
  role: string;
  /** From scramSha256Verifier; a plain password is refused. */
  verifier: string;
}

/**
 * The psql script (for `psql -v ON_ERROR_STOP=1`, on stdin) that sets the role's password. One
 * transaction; idempotent (the same verifier again changes nothing a client can see). A missing
 * role is an error, so the command fails instead of leaving clients with a password no role has.
 */
export function buildRolePasswordSql(input: RolePasswordSqlInput): string {
  if (!VERIFIER.test(input.verifier))
    throw new Error("verifier: not a SCRAM-SHA-256 verifier (a plain password is never sent to the server)");
  return [
    "-- Managed by the Titan Pulumi program (infra/builders/postgres-role-password.ts).",
    "BEGIN;",
    // The ALTER below carries the verifier: keep it out of the server log even where statement
    // logging is on, and out of the log line an error would add (log_min_error_statement).
    "SET LOCAL log_statement = 'none';",
    "SET LOCAL log_min_duration_statement = -1;",
    "SET LOCAL log_min_error_statement = 'panic';",
    `ALTER ROLE ${quoteIdentifier(input.role)} WITH PASSWORD ${quoteLiteral(input.verifier)};`,
    "COMMIT;",
    "",
  ].join("\n");
}

/**
 * The command run on the host: psql inside the postgres container, over its local socket (the
 * image trusts local connections), reading the script above on stdin. Never the SQL in argv.
 */
export function rolePasswordPsqlCommand(container: string, superuser: string): string {
  if (!/^[a-z0-9][a-z0-9_.-]{0,62}$/.test(container))
    throw new Error(`container ${JSON.stringify(container)}: not a Docker container name`);
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(superuser))
    throw new Error(`superuser ${JSON.stringify(superuser)}: not a plain lower-case role name`);
  return `docker exec -i ${container} psql -X -q -v ON_ERROR_STOP=1 -U ${superuser} -d postgres`;
}
