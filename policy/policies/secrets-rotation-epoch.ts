import type { ResourceValidationPolicy } from "@pulumi/policy";
import { withDefaults } from "../lib/config";
import { resourceLabel } from "../lib/firewall";
import { asRecord, asText } from "../lib/props";

const RANDOM_SECRET_TYPES = [
  "random:index/randomPassword:RandomPassword",
  "random:index/randomBytes:RandomBytes",
  "random:index/randomId:RandomId",
];

interface Config {
  maxAgeQuarters: number;
  now: string;
}

const EPOCH = /^(\d{4})-Q([1-4])$/;

/** Quarters since year 0, so two epochs compare by subtraction. */
export function quarterIndex(year: number, quarter: number): number {
  return year * 4 + (quarter - 1);
}

export function currentQuarterIndex(now: Date): number {
  return quarterIndex(now.getUTCFullYear(), Math.floor(now.getUTCMonth() / 3) + 1);
}

export const secretsRotationEpoch: ResourceValidationPolicy = {
  name: "secrets-rotation-epoch",
  description:
    "Generated secrets carry keepers.rotationEpoch (YYYY-Qn) and are rotated quarterly: an epoch older than the allowed number of quarters is reported.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema: {
    properties: {
      maxAgeQuarters: {
        type: "integer",
        minimum: 0,
        default: 1,
        description: "How many quarters an epoch may lag.",
      },
      now: {
        type: "string",
        default: "",
        description: "ISO date to treat as now (tests); empty means the clock.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!RANDOM_SECRET_TYPES.includes(args.type)) return;
    const config = withDefaults<Config>({ maxAgeQuarters: 1, now: "" }, args.getConfig());
    const label = resourceLabel(args.name, args.urn);
    const epoch = asText(asRecord(args.props.keepers).rotationEpoch) ?? "";
    const match = EPOCH.exec(epoch);
    if (!match) {
      reportViolation(
        `Secret ${label} has no valid keepers.rotationEpoch ('${epoch}'). Fix: set keepers: { rotationEpoch: "YYYY-Qn" }.`,
      );
      return;
    }
    const now = config.now ? new Date(config.now) : new Date();
    const age = currentQuarterIndex(now) - quarterIndex(Number(match[1]), Number(match[2]));
    if (age > config.maxAgeQuarters) {
      reportViolation(
        `Secret ${label} was last rotated in ${epoch}, ${age} quarters ago (limit ${config.maxAgeQuarters}). Fix: bump keepers.rotationEpoch to the current quarter to rotate it.`,
      );
    }
  },
};
