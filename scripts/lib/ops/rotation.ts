import { parseDocument } from "yaml";

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

/** Secrets the program generates from the epoch: a new epoch makes `pulumi up` generate new values. */
const RENEWED_BY_EPOCH = [
  "HMAC_SECRET (brain, execution)",
  "JWT_SECRET (brain, console-api)",
  "SAFETY_SECRET (brain)",
  "NATS passwords for brain, execution, scavenger, hunter, sentinel, quant, console (bcrypt hashes in nats.conf)",
  "POSTGRES_PASSWORD (postgres, brain)",
  "REDIS_PASSWORD (redis, brain, execution)",
] as const;

const OPERATOR_SET_REMINDER = [
  "TITAN_MASTER_PASSWORD is operator-set and is NOT renewed by the epoch (quarterly rotation per the security policy):",
  "  pulumi config set --secret titan:masterPassword   # then enter the new value",
  "Exchange keys (BYBIT_*, BINANCE_*) rotate on compromise: pulumi config set --secret titan:bybitApiKey …",
].join("\n");

export function renewalPlan(from: string | undefined, to: string): string {
  return [
    `titan:rotationEpoch: ${from ?? "(unset)"} -> ${to}`,
    "`pulumi up` will generate new values for, and restart the containers using:",
    ...RENEWED_BY_EPOCH.map((secret) => `  - ${secret}`),
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
