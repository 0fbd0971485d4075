// Secret material that must never travel in droplet user data (DigitalOcean shows user data to any
// holder of the account token and to every process on the droplet via the metadata service).

export const DEFAULT_SECRET_NAMES = [
  "BYBIT_API_KEY",
  "BYBIT_SECRET_KEY",
  "BINANCE_API_KEY",
  "BINANCE_SECRET_KEY",
  "HMAC_SECRET",
  "JWT_SECRET",
  "SAFETY_SECRET",
  "TITAN_MASTER_PASSWORD",
  "GEMINI_API_KEY",
  "POSTGRES_PASSWORD",
  "REDIS_PASSWORD",
  "NATS_PASSWORD",
  "DIGITALOCEAN_TOKEN",
  "DO_TOKEN",
] as const;

const TOKEN_PATTERNS: readonly [string, RegExp][] = [
  ["a PEM private key", /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/],
  ["a DigitalOcean token", /\bdo[opr]_v1_[0-9a-f]{20,}/],
  ["a GitHub token", /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/],
  ["an AWS access key", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["a Slack token", /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
];

/** Values that are configuration switches rather than secrets (cloud-init's lock_passwd: true). */
const NON_SECRET_VALUE = /^(?:["']{2}|true|false|yes|no|null|~|\[\]|\{\})?$/i;

/** key: value / key=value where the key names a password, secret or token, and a value follows. */
const GENERIC_ASSIGNMENT =
  /([A-Za-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key|private[_-]?key))["']?\s*[:=]\s*([^\s#,]*)/gi;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whole-line `#` comments (not `#!` or `#cloud-config`): prose there is not an assignment. */
function withoutCommentLines(text: string): string {
  return text
    .split("\n")
    .map((line) => (/^\s*#(?!!|cloud-config)/.test(line) ? "" : line))
    .join("\n");
}

/** `scheme://user:password@host`: a credential in a URL, whatever the key around it. */
const URL_CREDENTIAL = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/]+@/i;

/** Each kind of secret found in the text, described without echoing the secret itself. */
export function findSecretMaterial(raw: string, secretNames: readonly string[]): string[] {
  const findings = new Set<string>();
  // Tokens and keys count wherever they are, comments included; assignments only outside comments.
  for (const [label, pattern] of TOKEN_PATTERNS) {
    if (pattern.test(raw)) findings.add(label);
  }
  if (URL_CREDENTIAL.test(raw)) findings.add("credentials in a URL");
  const text = withoutCommentLines(raw);
  for (const name of secretNames) {
    const assignment = new RegExp(`\\b${escapeRegExp(name)}["']?\\s*[:=]\\s*([^\\s#,]*)`, "g");
    for (const match of text.matchAll(assignment)) {
      if (!NON_SECRET_VALUE.test(match[1] ?? "")) findings.add(`a value for ${name}`);
    }
  }
  for (const match of text.matchAll(GENERIC_ASSIGNMENT)) {
    const key = match[1] ?? "";
    if (/^lock[_-]?passwd$/i.test(key) || /^ssh[_-]?pwauth$/i.test(key)) continue;
    if (!NON_SECRET_VALUE.test(match[2] ?? "")) findings.add(`a value for '${key}'`);
  }
  return [...findings];
}
