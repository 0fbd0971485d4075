// The DigitalOcean provider reaches Spaces (the backup bucket, its versioning and lifecycle) through
// the S3 API, which takes a Spaces access key, not the API token: without one, `pulumi preview`
// passes and `pulumi up` fails at the bucket with "Spaces credentials not configured", after it
// has created droplets (terraform-provider-digitalocean `digitalocean/config/config.go`,
// `spacesClient`). The provider reads `digitalocean:spacesAccessId`/`spacesSecretKey`, else the
// environment variables below (`digitalocean/provider.go`, `EnvDefaultFunc`), so the program
// checks the same two places before registering anything.
import type { ConfigProblem } from "./errors";

export const SPACES_CREDENTIALS = [
  { key: "digitalocean:spacesAccessId", env: "SPACES_ACCESS_KEY_ID", secret: false },
  { key: "digitalocean:spacesSecretKey", env: "SPACES_SECRET_ACCESS_KEY", secret: true },
] as const;

/** The `digitalocean:*` config the engine passed (full keys) with secret flags, and the environment. */
export interface ProviderCredentialSources {
  values: Readonly<Record<string, string>>;
  secretKeys: ReadonlySet<string>;
  env: Readonly<Record<string, string | undefined>>;
}

const CREATE_KEY =
  "create a Spaces access key with full access (control panel: Spaces Object Storage > Access Keys, or doctl spaces keys create titan-pulumi --grants 'bucket=;permission=fullaccess')";
const FIX = `${CREATE_KEY}, then: pulumi config set digitalocean:spacesAccessId <its access key id> && pulumi config set --secret digitalocean:spacesSecretKey (reads the secret from the prompt)`;

/** What stops the provider from creating the backup bucket; empty when both credentials resolve. */
export function spacesCredentialProblems(src: ProviderCredentialSources): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const { key, env, secret } of SPACES_CREDENTIALS) {
    const configured = src.values[key];
    if (configured !== undefined && configured !== "") {
      if (secret && !src.secretKeys.has(key)) {
        problems.push({
          key,
          problem: "is stored in plain text in the stack file",
          value: "[secret]",
          fix: `pulumi config rm ${key} && pulumi config set --secret ${key} (reads the value from the prompt)`,
        });
      } else if (/\s/.test(configured)) {
        problems.push({
          key,
          problem: "contains white space; a Spaces key has none (a copy-paste with a line break?)",
          value: secret ? "[secret]" : JSON.stringify(configured),
          fix: FIX,
        });
      }
      continue;
    }
    const fromEnv = src.env[env];
    if (fromEnv !== undefined && fromEnv.trim() !== "") continue;
    problems.push({
      key,
      problem: `is required (or ${env} in the environment of pulumi up): the backup bucket is created through the Spaces S3 API, which the API token cannot reach, so pulumi up would fail at the bucket after creating the droplets`,
      value: "(missing)",
      fix: FIX,
    });
  }
  return problems;
}
