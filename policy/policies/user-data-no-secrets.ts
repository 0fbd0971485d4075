import type { ResourceValidationPolicy } from "@pulumi/policy";
import { stringList, withDefaults } from "../lib/config";
import { DROPLET_TYPE, resourceLabel } from "../lib/firewall";
import { asText } from "../lib/props";
import { DEFAULT_SECRET_NAMES, findSecretMaterial } from "../lib/secret-patterns";

interface Config {
  secretNames: string[];
}

export const userDataNoSecrets: ResourceValidationPolicy = {
  name: "user-data-no-secrets",
  description:
    "Droplet user data carries no secret material (private keys, secret environment values, API tokens, password assignments), because anyone with the account token or a shell on the droplet can read it.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: { secretNames: stringList("Variable names whose values are secrets.", DEFAULT_SECRET_NAMES) },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== DROPLET_TYPE) return;
    const config = withDefaults<Config>({ secretNames: [...DEFAULT_SECRET_NAMES] }, args.getConfig());
    const userData = asText(args.props.userData) ?? "";
    const findings = findSecretMaterial(userData, config.secretNames);
    if (findings.length === 0) return;
    reportViolation(
      `Droplet ${resourceLabel(args.name, args.urn)}: userData contains ${findings.join(", ")}. ` +
        "Fix: deliver secrets to containers over the Docker provider (envs or uploads), never in cloud-init.",
    );
  },
};
