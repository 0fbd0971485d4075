import { parseDocument } from "yaml";
import { POSTGRES_USER } from "../../infra/builders/plain-env";
import { restartedByRotation, rotationSteps } from "../../infra/builders/rotation-plan";
import {
  GENERATED_SECRETS,
  NATS_USER_OF,
  SECRET_SCOPE,
  type SecretSource,
} from "../../infra/model/secret-scope";
import { CONTAINER_NAMES, type ContainerName, serviceNamed } from "../../infra/model/services";

export const ROTATION_EPOCH_KEY = "titan:rotationEpoch";

const EPOCH_PATTERN = /^(\d{4})-Q([1-4])$/;

export function isValidEpoch(epoch: string): boolean {
  return EPOCH_PATTERN.test(epoch);
}

/** "2026-Q4" for any day from October to December 2026 (UTC). */
export function quarterOf(date: Date): string {
  return `${date.getUTCFullYear()}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
}

/** Orders epochs; negative when `a` is earlier. */
export function compareEpochs(a: string, b: string): number {
  return a.localeCompare(b);
}

const OPERATOR_SET_REMINDER = [
  "TITAN_MASTER_PASSWORD is operator-set and is NOT renewed by the epoch (quarterly rotation per the security policy):",
  "  pulumi config set --secret titan:masterPassword   # then enter the new value",
  "Exchange keys (BYBIT_*, BINANCE_*) rotate on compromise: pulumi config set --secret titan:bybitApiKey …",
].join("\n");

/** Optional services are marked: they restart only when `titan:services` lists them. */
const OPTIONAL_MARK = "*";
const shortName = (c: ContainerName) =>
  `${c.replace(/^titan-/, "")}${serviceNamed(c).optional ? OPTIONAL_MARK : ""}`;
/** Required services first, in table order, then the optional ones. */
const names = (cs: readonly ContainerName[]) =>
  [...cs.filter((c) => !serviceNamed(c).optional), ...cs.filter((c) => serviceNamed(c).optional)]
    .map(shortName)
    .join(", ");

/** Env names and holders of one generated secret, from the secret-scope table. */
function holding(sources: readonly SecretSource[]): { envs: string[]; holders: ContainerName[] } {
  const holders = CONTAINER_NAMES.filter((c) => SECRET_SCOPE[c].some((e) => sources.includes(e.source)));
  const envs = holders.flatMap((c) =>
    SECRET_SCOPE[c].filter((e) => sources.includes(e.source)).map((e) => e.env),
  );
  return { envs: [...new Set(envs)], holders };
}

/** Every secret the epoch renews, with the env names it goes by and who holds it. */
function renewedByEpoch(): string[] {
  const lines = GENERATED_SECRETS.map((id) => {
    if (id === "postgres") {
      const pg = holding(["postgres", "databaseUrl"]);
      return `Postgres password of role ${POSTGRES_USER}: ${pg.envs.join(", ")} (${names(pg.holders)}); POSTGRES_PASSWORD (postgres) only initialises an empty database and stays`;
    }
    const h = holding([id]);
    const extra = id === "redis" ? "; requirepass in redis.conf" : "";
    return `${h.envs.join(", ")} (${names(h.holders)}${extra})`;
  });
  const natsClients = CONTAINER_NAMES.filter((c) => NATS_USER_OF[c] !== undefined);
  lines.push(`NATS passwords (NATS_PASS) of ${names(natsClients)} (bcrypt hashes in nats.conf)`);
  return lines;
}

/**
 * The order the next `pulumi up` applies the rotation in, from the program's tables: each client
 * depends on its server (infra/builders/rotation-plan.ts), so the server changes first.
 */
export function rotationOrder(): string[] {
  const lines = [
    "Order of the next `pulumi up` (a client waits for its server; each container restarts once):",
  ];
  for (const s of rotationSteps()) {
    if (s.server === "postgres")
      lines.push(
        `  ${s.step}) Postgres role ${POSTGRES_USER} altered in place (no restart of postgres: ${s.how}); then restart ${names(s.clients)}`,
      );
    else if (s.server)
      lines.push(
        `  ${s.step}) ${s.server} (restart: ${s.how}); then restart its clients: ${names(s.clients)}`,
      );
    else lines.push(`  ${s.step}) ${names(s.clients)} (restart, ${s.how}: ${s.title})`);
  }
  const restarted = restartedByRotation();
  lines.push(`Expected restarts: ${names(restarted)}`);
  lines.push(`Not restarted: ${names(CONTAINER_NAMES.filter((c) => !restarted.includes(c)))}`);
  lines.push(
    `${OPTIONAL_MARK} only when titan:services lists it. Between a server's restart and its clients', clients log errors and reconnect; brain and execution stop trading for that time.`,
  );
  return lines;
}

export function renewalPlan(from: string | undefined, to: string): string {
  return [
    `titan:rotationEpoch: ${from ?? "(unset)"} -> ${to}`,
    "`pulumi up` will generate new values for, and restart the containers using:",
    ...renewedByEpoch().map((secret) => `  - ${secret}`),
    ...rotationOrder(),
    OPERATOR_SET_REMINDER,
  ].join("\n");
}

/** Sets config.titan:rotationEpoch in a stack file's text, keeping comments and layout. */
export function setEpochInStackFile(
  text: string,
  epoch: string,
): { text: string; previous: string | undefined } {
  const document = parseDocument(text);
  if (document.errors.length > 0)
    throw new Error(`stack file is not valid YAML: ${document.errors[0]?.message}`);
  const previous = document.getIn(["config", ROTATION_EPOCH_KEY]);
  document.setIn(["config", ROTATION_EPOCH_KEY], epoch);
  return { text: document.toString(), previous: typeof previous === "string" ? previous : undefined };
}
