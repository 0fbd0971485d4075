import type { ResourceValidationPolicy } from "@pulumi/policy";
import { stringList, withDefaults } from "../lib/config";
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
  stableSecrets: string[];
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
      stableSecrets: stringList(
        "Names of generated secrets that must never follow the epoch, because a new value would destroy what they protect (a backup repository's key, a key that encrypts data at rest); each is reported if it carries an epoch after all.",
        [],
      ),
    },
  },
  validateResource: (args, reportViolation) => {
    if (!RANDOM_SECRET_TYPES.includes(args.type)) return;
    const config = withDefaults<Config>({ maxAgeQuarters: 1, now: "", stableSecrets: [] }, args.getConfig());
    const label = resourceLabel(args.name, args.urn);
    const epoch = asText(asRecord(args.props.keepers).rotationEpoch) ?? "";
    if (config.stableSecrets.includes(args.name)) {
      // An epoch on a stable secret means the next bump replaces it: what it protects is lost.
      if (epoch !== "")
        reportViolation(
          `Secret ${label} is listed in stableSecrets but carries keepers.rotationEpoch ('${epoch}'), so the next epoch bump replaces it. Fix: take it off stableSecrets if it is meant to rotate; otherwise plan the change with care, since adding or removing a keeper replaces the secret.`,
        );
      return;
    }
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
