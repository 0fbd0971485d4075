import { createHash } from "node:crypto";

/** Pulumi's wire signature for a secret value. */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";
export const REDACTED = "[secret]";

export function isSecretEnvelope(value: unknown): value is { value: unknown } {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG_VALUE
  );
}

/** Replaces every secret envelope with "[secret]"; everything else is copied as is. */
export function redactSecrets(value: unknown): unknown {
  if (isSecretEnvelope(value)) return REDACTED;
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v)]));
  }
  return value;
}

/** Removes the envelopes, keeping the values: what a policy pack sees (DESIGN.md §5). */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecretEnvelope(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/**
 * A short digest of each secret value by its input path (`labels[0].value`), so `--against` can
 * tell a changed secret from an unchanged one. Offline, every secret value is a labelled fake or
 * derived from one (the stack file's secrets are never decrypted), so the digest reveals nothing.
 */
export function secretDigests(
  value: unknown,
  path = "",
  out: Record<string, string> = {},
): Record<string, string> {
  if (isSecretEnvelope(value)) {
    const text = JSON.stringify(unwrapSecrets(value.value)) ?? "undefined";
    out[path] = createHash("sha256").update(text).digest("hex").slice(0, 16);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      secretDigests(v, `${path}[${i}]`, out);
    });
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) secretDigests(v, path ? `${path}.${k}` : k, out);
  }
  return out;
}
