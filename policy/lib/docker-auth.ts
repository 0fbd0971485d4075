// Docker registry credentials. Their one legitimate place is a Docker provider's `registryAuth`
// (the provider pulls with them; no container or host file ever sees them). Anywhere else they are
// readable in plain text: a `config.json` with `auths` on a droplet or in a container, a
// `DOCKER_AUTH_CONFIG` variable, a `docker login -p` command line.
import { asRecord, asRecordArray, asText } from "./props";

export const DOCKER_PROVIDER_TYPE = "pulumi:providers:docker";

/** Provider inputs reach the engine as JSON text (`"[{\"address\":...}]"`); arrays are accepted too. */
function jsonOrValue(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** user:password pairs from a Docker config.json's `auths` (`auth` is base64 of `user:password`). */
function configFileSecrets(content: string): string[] {
  const doc = asRecord(jsonOrValue(content));
  const out: string[] = [];
  for (const entry of Object.values(asRecord(doc.auths))) {
    const e = asRecord(entry);
    const auth = asText(e.auth);
    if (auth) {
      out.push(auth);
      const decoded = Buffer.from(auth, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon >= 0) out.push(decoded.slice(colon + 1));
    }
    for (const key of ["password", "identitytoken", "registrytoken"]) {
      const text = asText(e[key]);
      if (text) out.push(text);
    }
  }
  return out;
}

/**
 * The secret values of a Docker provider's `registryAuth` (passwords, and every credential inside
 * an inline `configFileContent`); other resources holding one of them are refused by value.
 */
export function registryAuthSecrets(providerProps: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const auth of asRecordArray(jsonOrValue(providerProps.registryAuth))) {
    const password = asText(auth.password);
    if (password) out.push(password);
    const content = asText(auth.configFileContent);
    if (content) out.push(...configFileSecrets(content));
  }
  return out;
}

/** Values of auth fields that count as a credential (an empty string or a placeholder does not). */
const AUTH_FIELD = /"(auth|identitytoken|registrytoken|password)"\s*:\s*"([^"]+)"/gi;
const DOCKER_LOGIN_PASSWORD = /\bdocker\s+login\b[^\n]*?\s(?:-p|--password)(?:=|\s+)(?!-)\S+/;
const DOCKER_AUTH_CONFIG = /\bDOCKER_AUTH_CONFIG["']?\s*[:=]\s*["']?[{\w]/;

/** Each kind of Docker registry credential in the text, described without echoing it. */
export function findDockerCredentials(text: string): string[] {
  const findings: string[] = [];
  if (/"auths"\s*:/.test(text) && [...text.matchAll(AUTH_FIELD)].some((m) => (m[2] ?? "").trim() !== ""))
    findings.push("a Docker registry credential (config.json auths)");
  if (DOCKER_AUTH_CONFIG.test(text)) findings.push("a Docker registry credential (DOCKER_AUTH_CONFIG)");
  if (DOCKER_LOGIN_PASSWORD.test(text))
    findings.push("a Docker registry password on a docker login command line");
  return findings;
}
