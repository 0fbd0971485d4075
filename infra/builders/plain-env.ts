// Non-secret env per container, under the names Titan's code reads (data/titan-contract.json):
// addresses, file paths and tunables. Nothing here may carry a secret; a test checks every value
// against the generated and operator secrets, and another that every name is one Titan reads.
import { EXECUTION_CA_BUNDLE, EXECUTION_STATE_DIR, TITAN_TLS } from "../model/paths";
import { PORTS } from "../model/ports";
import { NATS_USER_OF } from "../model/secret-scope";
import type { ContainerName } from "../model/services";
import type { Topology } from "../model/topology";

/** The replay window for signed brain→execution commands, in seconds (NTP keeps clocks close). */
export const HMAC_TIMESTAMP_TOLERANCE = "5";
export const POSTGRES_DB = "titan";
export const POSTGRES_USER = "titan";
export const POSTGRES_HOST = "postgres";
/** scavenger's home: inside its /tmp tmpfs (data/titan-runtime-writes.json). */
export const SCAVENGER_HOME = "/tmp";

export interface PlainEnvContext {
  topology: Topology;
  /** The trading droplet's VPC address (kept for services that cross hosts). */
  tradingPrivateIp: string;
}

/**
 * `tls://` makes async-nats require TLS whatever the server announces; nats.js ignores the
 * scheme and upgrades because the server requires TLS (its node transport), so no downgrade.
 */
export const NATS_URL = `tls://nats:${PORTS.nats}`;

/**
 * Env the stack sets that no Titan code reads but the runtime does, each with the reader. The
 * contract test accepts these names and no other unknown one.
 */
export const RUNTIME_ENV: Readonly<Record<string, string>> = {
  // Node libraries (Fastify, loggers, dependencies' production paths) read it, not only Titan code.
  NODE_ENV: "Node.js libraries",
  // Node adds this file to its default CA store at start: nats.js trusts the stack CA through it.
  NODE_EXTRA_CA_CERTS: "Node.js (nats.js uses the default store, Titan passes no CA)",
  // rustls-native-certs (async-nats 0.33) and OpenSSL load exactly this bundle when it is set.
  SSL_CERT_FILE: "rustls-native-certs / OpenSSL in execution-rs",
  // The postgres image's entrypoint initialises the cluster from these.
  POSTGRES_DB: "postgres image entrypoint",
  POSTGRES_USER: "postgres image entrypoint",
  PGDATA: "postgres image entrypoint",
};

const NODE_SERVICES: readonly ContainerName[] = [
  "titan-brain",
  "titan-console-api",
  "titan-scavenger",
  "titan-hunter",
  "titan-sentinel",
  "titan-ai-quant",
  "titan-powerlaw-lab",
];

export function plainEnvFor(container: ContainerName, _ctx: PlainEnvContext): Record<string, string> {
  const env: Record<string, string> = {};
  const natsUser = NATS_USER_OF[container];
  if (NODE_SERVICES.includes(container)) {
    Object.assign(env, { NODE_ENV: "production", NODE_EXTRA_CA_CERTS: TITAN_TLS.ca });
  }
  if (natsUser) Object.assign(env, { NATS_URL, NATS_USER: natsUser });
  switch (container) {
    case "titan-brain":
      Object.assign(env, {
        // Two start checks (src/index.ts:225, StartupManager.ts:228): SERVER_PORT and PORT both.
        PORT: String(PORTS.brain),
        SERVER_PORT: String(PORTS.brain),
        DB_HOST: POSTGRES_HOST,
        DB_PORT: String(PORTS.postgres),
        DB_NAME: POSTGRES_DB,
        DB_USER: POSTGRES_USER,
        // CacheManager.ts reads REDIS_URL with REDIS_PASSWORD beside it (never in the URL).
        REDIS_URL: `redis://redis:${PORTS.redis}`,
        HMAC_TIMESTAMP_TOLERANCE,
      });
      break;
    case "titan-execution":
      Object.assign(env, {
        PORT: String(PORTS.execution),
        HMAC_TIMESTAMP_TOLERANCE,
        HMAC_REQUIRE_TIMESTAMP: "true",
        PERSISTENCE_PATH: `${EXECUTION_STATE_DIR}/titan_execution.redb`,
        SSL_CERT_FILE: EXECUTION_CA_BUNDLE,
      });
      break;
    case "titan-console-api":
      env.PORT = String(PORTS.consoleApi);
      break;
    case "titan-sentinel":
      env.PORT = String(PORTS.sentinel);
      break;
    case "titan-scavenger":
      // Its CredentialManager creates `~/.titan-scanner` in its constructor, uncaught, and the
      // start exits 1 (CredentialManager.ts:72-86, index.tsx:176,803-805); its trade journal
      // goes under the same home (logging/Logger.ts:31-34). Node's os.homedir() and that Logger
      // read HOME: point it at the /tmp tmpfs. Scratch: with no secrets.enc there the keys come
      // from env (CredentialManager.ts:192-195), and nothing deployed reads the journal.
      env.HOME = SCAVENGER_HOME;
      break;
    case "postgres":
      Object.assign(env, { POSTGRES_DB, POSTGRES_USER, PGDATA: "/var/lib/postgresql/data/pgdata" });
      break;
    default:
      break;
  }
  return env;
}

/** brain's and console-api's DATABASE_URL around the generated password (alphanumeric: no escaping). */
export function databaseUrl(password: string): string {
  return `postgresql://${POSTGRES_USER}:${password}@${POSTGRES_HOST}:${PORTS.postgres}/${POSTGRES_DB}`;
}
