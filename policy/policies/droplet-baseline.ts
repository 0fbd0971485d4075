import type { ResourceValidationPolicy } from "@pulumi/policy";
import { withDefaults } from "../lib/config";
import { DROPLET_TYPE, resourceLabel } from "../lib/firewall";
import { asRecord, asText, asTextArray } from "../lib/props";

interface Config {
  requireBackups: boolean;
}

export const dropletBaseline: ResourceValidationPolicy = {
  name: "droplet-baseline",
  description:
    "Every droplet sits in a VPC, is reached with SSH keys (never a root password), runs the monitoring agent, and has daily backups enabled where the stack requires them.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: {
      requireBackups: {
        type: "boolean",
        default: false,
        description:
          "Require daily droplet backups: backups true and backupPolicy.plan daily (true in prod).",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== DROPLET_TYPE) return;
    const config = withDefaults<Config>({ requireBackups: false }, args.getConfig());
    const problems: string[] = [];
    if (!asText(args.props.vpcUuid)) problems.push("has no vpcUuid. Fix: set vpcUuid to the stack's VPC");
    if (asTextArray(args.props.sshKeys).length === 0)
      problems.push("has no sshKeys. Fix: add the operators' key fingerprints");
    if (args.props.monitoring !== true)
      problems.push("does not enable monitoring. Fix: set monitoring: true");
    if (config.requireBackups && args.props.backups !== true)
      problems.push("does not enable backups, which this stack requires. Fix: set backups: true");
    // The provider's default plan is weekly: a lost droplet would come back up to a week old.
    const plan = asText(asRecord(args.props.backupPolicy).plan)?.toLowerCase();
    if (config.requireBackups && args.props.backups === true && plan !== "daily")
      problems.push(
        `has backupPolicy.plan '${plan ?? "(unset: weekly)"}', and this stack requires daily droplet backups. Fix: set backupPolicy: { plan: "daily", hour: 4 }`,
      );
    for (const problem of problems) {
      reportViolation(`Droplet ${resourceLabel(args.name, args.urn)} ${problem}.`);
    }
  },
};
