// What a new titan:rotationEpoch changes, in which order, and who restarts: derived from the
// secret-scope table, so a container that gains a secret there lands in the right step. Pure data;
// the workloads component turns `serversOf` into dependsOn edges, `npm run rotate` prints the steps.
import { NATS_USER_OF, SECRET_SCOPE, type SecretSource } from "../model/secret-scope";
import { CONTAINER_NAMES, type ContainerName } from "../model/services";

/** The containers that check a rotated credential; their clients must wait for them. */
export type CredentialServer = "postgres" | "nats" | "redis";

export interface RotationStep {
  /** Ordinal in the printed plan, from 1. */
  step: number;
  title: string;
  /** The server of this credential, when there is one. */
  server?: CredentialServer;
  /** Whether the server's container is replaced (false: changed in place). */
  serverRestarts: boolean;
  /** How the server learns the new value. */
  how: string;
  /** Containers replaced with new env, in table order. */
  clients: ContainerName[];
}

const holdersOf = (sources: readonly SecretSource[], among: readonly ContainerName[]): ContainerName[] =>
  among.filter((c) => SECRET_SCOPE[c].some((e) => sources.includes(e.source)));

/** The sources that carry the Postgres role's password (DB_PASSWORD, DATABASE_URL). */
const POSTGRES_SOURCES: readonly SecretSource[] = ["postgres", "databaseUrl"];

/**
 * The servers a container logs into with a generated password. Every container that holds the
 * password depends on its server, so a rotation changes the server before any client is replaced.
 */
export function serversOf(container: ContainerName): CredentialServer[] {
  const servers: CredentialServer[] = [];
  const scope = SECRET_SCOPE[container];
  if (container !== "postgres" && scope.some((e) => POSTGRES_SOURCES.includes(e.source)))
    servers.push("postgres");
  if (container !== "nats" && NATS_USER_OF[container] !== undefined) servers.push("nats");
  if (container !== "redis" && scope.some((e) => e.source === "redis")) servers.push("redis");
  return servers;
}

/** Servers before their clients, otherwise table order: the order containers are registered in. */
export function serversFirst<T extends { name: ContainerName }>(specs: readonly T[]): T[] {
  const isServer = (name: ContainerName) =>
    specs.some((s) => serversOf(s.name).includes(name as CredentialServer));
  return [...specs.filter((s) => isServer(s.name)), ...specs.filter((s) => !isServer(s.name))];
}

/** The signing key of brain → execution commands, checked by execution and sentinel. */
const HMAC: SecretSource = "hmac";
/** Shared keys with no server of their own: every holder gets the new value. */
const OTHER_KEYS: readonly SecretSource[] = ["jwt", "safety", "executionApiKey", "ops", "internalAuth"];

/**
 * The order `pulumi up` applies a rotation in, for the containers deployed (default: all). The
 * Postgres role first: it changes in place, and its clients wait for it; then each server that is
 * replaced, with its clients after it; then keys shared by peers. A container is replaced once,
 * after every server it uses.
 */
export function rotationSteps(deployed: readonly ContainerName[] = CONTAINER_NAMES): RotationStep[] {
  const steps: Omit<RotationStep, "step">[] = [];
  const has = (c: ContainerName) => deployed.includes(c);
  if (has("postgres"))
    steps.push({
      title: "Postgres password of role titan",
      server: "postgres",
      serverRestarts: false,
      how: "ALTER ROLE with a SCRAM verifier, psql on stdin",
      clients: holdersOf(POSTGRES_SOURCES, deployed).filter((c) => c !== "postgres"),
    });
  if (has("nats"))
    steps.push({
      title: "NATS passwords",
      server: "nats",
      serverRestarts: true,
      how: "new bcrypt hashes in nats.conf",
      clients: deployed.filter((c) => NATS_USER_OF[c] !== undefined),
    });
  if (has("redis"))
    steps.push({
      title: "REDIS_PASSWORD",
      server: "redis",
      serverRestarts: true,
      how: "new requirepass in redis.conf",
      clients: holdersOf(["redis"], deployed),
    });
  const hmac = holdersOf([HMAC], deployed);
  if (hmac.length > 0)
    steps.push({
      title: "HMAC signing key of brain → execution commands",
      serverRestarts: false,
      how: "together",
      clients: hmac,
    });
  const others = holdersOf(OTHER_KEYS, deployed);
  if (others.length > 0) {
    const envs = new Set(
      OTHER_KEYS.flatMap((k) => others.flatMap((c) => SECRET_SCOPE[c].filter((e) => e.source === k))).map(
        (e) => e.env,
      ),
    );
    steps.push({ title: [...envs].join(", "), serverRestarts: false, how: "no server", clients: others });
  }
  return steps.map((s, i) => ({ step: i + 1, ...s }));
}

/** Every container a rotation replaces: each server that restarts and every client. */
export function restartedByRotation(deployed: readonly ContainerName[] = CONTAINER_NAMES): ContainerName[] {
  const restarted = new Set<ContainerName>();
  for (const s of rotationSteps(deployed)) {
    if (s.server && s.serverRestarts) restarted.add(s.server);
    for (const c of s.clients) restarted.add(c);
  }
  return deployed.filter((c) => restarted.has(c));
}
