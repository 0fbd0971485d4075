import type { ResourceValidationPolicy } from "@pulumi/policy";
import { withDefaults } from "../lib/config";
import { CONTAINER_TYPE, containerName } from "../lib/docker";
import { resourceLabel } from "../lib/firewall";
import { asArray, asText } from "../lib/props";

const DEFAULT_SECRET_SCOPES: Record<string, string[]> = {
  BYBIT_API_KEY: ["titan-execution"],
  BYBIT_SECRET_KEY: ["titan-execution"],
  BINANCE_API_KEY: ["titan-execution"],
  BINANCE_SECRET_KEY: ["titan-execution"],
  HMAC_SECRET: ["titan-brain", "titan-execution"],
  TITAN_MASTER_PASSWORD: ["titan-console-api"],
  GEMINI_API_KEY: ["titan-ai-quant"],
};

interface Config {
  scopes: Record<string, string[]>;
  maxHmacTimestampTolerance: number;
}

const DEFAULTS: Config = { scopes: DEFAULT_SECRET_SCOPES, maxHmacTimestampTolerance: 5 };

/** "NAME=value" pairs; a malformed entry keeps its whole text as the name so it is still seen. */
export function parseEnvs(value: unknown): { name: string; value: string }[] {
  return asArray(value)
    .map(asText)
    .filter((entry): entry is string => entry !== undefined && entry !== "")
    .map((entry) => {
      const eq = entry.indexOf("=");
      return eq < 0
        ? { name: entry, value: "" }
        : { name: entry.slice(0, eq).trim(), value: entry.slice(eq + 1).trim() };
    });
}

export const secretScope: ResourceValidationPolicy = {
  name: "secret-scope",
  description:
    "Each secret environment variable reaches only the containers that need it (exchange keys only execution, HMAC only brain and execution, master password only console-api, Gemini key only ai-quant), and HMAC_TIMESTAMP_TOLERANCE never exceeds the 5-second replay window.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: {
      scopes: {
        type: "object",
        additionalProperties: { type: "array", items: { type: "string" } },
        default: DEFAULT_SECRET_SCOPES,
        description: "Secret variable name to the container names allowed to receive it.",
      },
      maxHmacTimestampTolerance: {
        type: "number",
        default: 5,
        description: "Largest replay window in seconds.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== CONTAINER_TYPE) return;
    const config = withDefaults(DEFAULTS, args.getConfig());
    const name = containerName(args.props, args.name);
    const label = `Container ${resourceLabel(name, args.urn)}`;
    for (const env of parseEnvs(args.props.envs)) {
      const allowed = config.scopes[env.name];
      if (allowed && !allowed.includes(name)) {
        reportViolation(
          `${label} receives secret ${env.name}, which only ${allowed.join(", ")} may hold. Fix: remove ${env.name} from this container's envs.`,
        );
      }
      if (env.name === "HMAC_TIMESTAMP_TOLERANCE") {
        const seconds = Number(env.value);
        if (
          env.value === "" ||
          !Number.isFinite(seconds) ||
          seconds > config.maxHmacTimestampTolerance ||
          seconds < 0
        ) {
          reportViolation(
            `${label} sets HMAC_TIMESTAMP_TOLERANCE=${env.value}, outside the ${config.maxHmacTimestampTolerance}-second replay window. Fix: set HMAC_TIMESTAMP_TOLERANCE=5.`,
          );
        }
      }
    }
  },
};
