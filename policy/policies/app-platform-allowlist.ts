import type { ResourceValidationPolicy } from "@pulumi/policy";
import { stringList, withDefaults } from "../lib/config";
import { resourceLabel } from "../lib/firewall";
import { asArray, asRecord, asText } from "../lib/props";

export const APP_TYPE = "digitalocean:index/app:App";

interface Config {
  allowedApps: string[];
}

const DEFAULTS: Config = { allowedApps: [] };

// Titan runs on droplets only. An App Platform app sits outside the cloud firewalls, can be
// attached to the VPC (spec.vpcs) and so reach NATS, brain or Postgres, and publishes its own
// routes and domains to the internet: one nobody reviewed is a way around every other policy.
export const appPlatformAllowlist: ResourceValidationPolicy = {
  name: "app-platform-allowlist",
  description:
    "No App Platform app is deployed unless its name is on the allow-list, and even an allowed app is never attached to a VPC, because an app sits outside the cloud firewalls and publishes its own routes.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: {
      allowedApps: stringList(
        "App Platform app names (spec.name) that may be deployed.",
        DEFAULTS.allowedApps,
      ),
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== APP_TYPE) return;
    const config = withDefaults(DEFAULTS, args.getConfig());
    const label = resourceLabel(args.name, args.urn);
    const spec = asRecord(args.props.spec);
    const appName = asText(spec.name) ?? "";
    if (appName === "" || !config.allowedApps.includes(appName)) {
      reportViolation(
        `App Platform app ${label} (spec.name '${appName}') is not on the allow-list (${config.allowedApps.join(", ") || "empty"}). ` +
          "Titan does not use App Platform: an app runs outside the cloud firewalls, can reach the VPC and publishes routes to the internet. " +
          "Fix: remove it, or add its spec.name to app-platform-allowlist's allowedApps after review.",
      );
      return;
    }
    if (asArray(spec.vpcs).length > 0 || (spec.vpcs !== undefined && !Array.isArray(spec.vpcs)))
      reportViolation(
        `App Platform app ${label} is allow-listed but attached to a VPC (spec.vpcs), from where it could reach NATS, brain or Postgres. Fix: remove spec.vpcs.`,
      );
  },
};
