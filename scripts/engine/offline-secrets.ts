import { createHash } from "node:crypto";
import { REQUIRED_SECRET_KEYS } from "../../infra/config/keys";
import { SPACES_CREDENTIALS } from "../../infra/config/provider-credentials";
import { operatorSecretsRequiredByServices } from "../../infra/model/secret-scope";
import { CONTAINER_NAMES } from "../../infra/model/services";
import type { StackFiles } from "./stack-files";

export interface OfflineSecrets {
  /** Config to run with: the stack's values plus a labelled fake for each unreadable or missing secret. */
  values: Record<string, string>;
  secretKeys: string[];
  /** key → the fake value used; written only to `--artifacts DIR/secrets.offline.json`. */
  fakes: Record<string, string>;
  /** Why each fake was needed, for the report. */
  notes: { key: string; reason: "encrypted in the stack file" | "not set" }[];
  /** Required secrets the stack lacks: `--strict` refuses to fake these, as `pulumi up` would fail. */
  missingRequired: string[];
}

const PROVIDER_SECRETS = [
  "digitalocean:token",
  ...SPACES_CREDENTIALS.filter((c) => c.secret).map((c) => c.key),
];
/** Provider config `pulumi up` needs that may be plain text (the Spaces access key id). */
const PROVIDER_REQUIRED_PLAIN: string[] = SPACES_CREDENTIALS.filter((c) => !c.secret).map((c) => c.key);
/** A provider key the provider also reads from the environment (the Spaces credentials). */
const ENV_ALTERNATIVE: Record<string, string> = Object.fromEntries(
  SPACES_CREDENTIALS.map((c) => [c.key, c.env]),
);

/** An obviously fake value, stable per stack and key, long enough to pass every length rule. */
export const fakeSecret = (stack: string, key: string) =>
  `offline-fake-${key.replace(/[^A-Za-z0-9]/g, "-")}-${createHash("sha256").update(`${stack}/${key}`).digest("hex").slice(0, 16)}`;

/**
 * `env` is where `pulumi up` would run: a provider credential given there (SPACES_ACCESS_KEY_ID,
 * SPACES_SECRET_ACCESS_KEY) is not missing, though the plan still runs on a fake.
 */
export function prepareOfflineSecrets(
  files: StackFiles,
  env: Readonly<Record<string, string | undefined>> = {},
): OfflineSecrets {
  const values = { ...files.values };
  const fakes: Record<string, string> = {};
  const notes: OfflineSecrets["notes"] = [];
  const missingRequired: string[] = [];
  // Also the optional keys a deployed service reads at start (scavenger's read-only exchange keys).
  const byServices = operatorSecretsRequiredByServices(CONTAINER_NAMES);
  const required = new Set([
    ...[...REQUIRED_SECRET_KEYS, ...byServices].map((k) => `titan:${k}`),
    ...PROVIDER_SECRETS,
  ]);
  const secretKeys = [...new Set([...files.declaredSecretKeys, ...files.encryptedKeys, ...PROVIDER_SECRETS])];

  for (const key of secretKeys) {
    const encrypted = files.encryptedKeys.includes(key);
    const present = (values[key] ?? "") !== "";
    if (encrypted) {
      fakes[key] = fakeSecret(files.stack, key);
      notes.push({ key, reason: "encrypted in the stack file" });
    } else if (!present && required.has(key)) {
      fake(key);
    }
  }
  for (const key of PROVIDER_REQUIRED_PLAIN) if ((values[key] ?? "") === "") fake(key);
  function fake(key: string) {
    const envName = ENV_ALTERNATIVE[key];
    if (!envName || (env[envName] ?? "").trim() === "") missingRequired.push(key);
    fakes[key] = fakeSecret(files.stack, key);
    notes.push({ key, reason: "not set" });
  }
  Object.assign(values, fakes);
  // A secret the stack file holds in plain text stays plain: the program must refuse it.
  const plainSecrets = new Set(
    Object.keys(files.values).filter(
      (k) =>
        (files.declaredSecretKeys.includes(k) || PROVIDER_SECRETS.includes(k)) &&
        (files.values[k] ?? "") !== "",
    ),
  );
  return {
    values,
    secretKeys: secretKeys.filter((k) => !plainSecrets.has(k)),
    fakes,
    notes,
    missingRequired,
  };
}
