import type { ResourceValidationPolicy } from "@pulumi/policy";
import { withDefaults } from "../lib/config";
import { resourceLabel } from "../lib/firewall";
import { KUBERNETES_CLUSTER_TYPE } from "./kubernetes-cluster-safe";

interface Config {
  requireHa: boolean;
}

const DEFAULTS: Config = { requireHa: false };

// Advisory: an unpatched or single-master control plane is a risk to weigh, not an open door.
export const kubernetesClusterMaintained: ResourceValidationPolicy = {
  name: "kubernetes-cluster-maintained",
  description:
    "A Kubernetes cluster upgrades its patch releases automatically and, where the stack requires it (prod), runs a highly available control plane.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema: {
    properties: {
      requireHa: { type: "boolean", default: false, description: "Require ha: true (set in prod)." },
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== KUBERNETES_CLUSTER_TYPE) return;
    const config = withDefaults(DEFAULTS, args.getConfig());
    const label = `Kubernetes cluster ${resourceLabel(args.name, args.urn)}`;
    if (args.props.autoUpgrade !== true)
      reportViolation(
        `${label} does not set autoUpgrade: true, so security patches wait for someone to apply them. Fix: set autoUpgrade: true (and a maintenancePolicy window).`,
      );
    if (config.requireHa === true && args.props.ha !== true)
      reportViolation(
        `${label} does not set ha: true, and this stack requires a highly available control plane. Fix: set ha: true.`,
      );
  },
};
