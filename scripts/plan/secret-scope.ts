import { isSecretEnvelope } from "../engine/redact";
import type { RegisteredResource } from "../engine/run-program";

export interface SecretScopeRow {
  container: string;
  /** Env names whose value the program passed as a Pulumi secret. */
  secrets: string[];
  /** Env names that look like secrets but were passed in clear: each one is a bug. */
  unmarked: string[];
}

const SECRET_NAME = /(SECRET|PASSWORD|PASS|TOKEN|API_KEY|PRIVATE_KEY)$/;

/** Container × secret env name, from the registered inputs as the engine sees them. */
export function computeSecretScope(resources: RegisteredResource[]): SecretScopeRow[] {
  return resources
    .filter((r) => r.type === "docker:index/container:Container")
    .map((c) => {
      const envs = c.inputs.envs;
      const list = isSecretEnvelope(envs) ? envs.value : envs;
      const secrets: string[] = [];
      const unmarked: string[] = [];
      for (const entry of Array.isArray(list) ? list : []) {
        const text = String(isSecretEnvelope(entry) ? entry.value : entry);
        const name = text.split("=")[0] ?? "";
        // A whole list marked secret hides which entries are secrets: count those named like one.
        if (isSecretEnvelope(entry) || (isSecretEnvelope(envs) && SECRET_NAME.test(name))) secrets.push(name);
        else if (SECRET_NAME.test(name)) unmarked.push(name);
      }
      return {
        container: String((c.inputs.name as string | undefined) ?? c.name),
        secrets: secrets.sort(),
        unmarked,
      };
    })
    .sort((a, b) => a.container.localeCompare(b.container));
}
