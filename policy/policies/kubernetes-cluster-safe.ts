import type { ResourceValidationPolicy } from "@pulumi/policy";
import { maxPrefix, stringList, withDefaults } from "../lib/config";
import { resourceLabel } from "../lib/firewall";
import { asArray, asRecord, asText, isRecord } from "../lib/props";
import { sshSourceProblem } from "./ssh-allowlist-only";

export const KUBERNETES_CLUSTER_TYPE = "digitalocean:index/kubernetesCluster:KubernetesCluster";

interface Config {
  allowlist: string[];
  maxPrefixV4: number;
  maxPrefixV6: number;
}

// The Kubernetes API is as powerful as SSH to every node: it gets the same allow-list rules.
const DEFAULTS: Config = { allowlist: [], maxPrefixV4: 24, maxPrefixV6: 48 };

export const kubernetesClusterSafe: ResourceValidationPolicy = {
  name: "kubernetes-cluster-safe",
  description:
    "A Kubernetes cluster runs in the stack's VPC, has a default node pool, and its API endpoint is closed by the control-plane firewall to all but narrow addresses inside the operators' allow-list.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: {
      allowlist: stringList("CIDRs operators may reach the Kubernetes API from.", DEFAULTS.allowlist),
      maxPrefixV4: maxPrefix("IPv4", 24),
      maxPrefixV6: maxPrefix("IPv6", 48),
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== KUBERNETES_CLUSTER_TYPE) return;
    const config = withDefaults(DEFAULTS, args.getConfig());
    const label = `Kubernetes cluster ${resourceLabel(args.name, args.urn)}`;
    if (!asText(args.props.vpcUuid))
      reportViolation(
        `${label} has no vpcUuid, so it is not placed in the stack's VPC. Fix: set vpcUuid to the VPC's id.`,
      );
    if (!isRecord(args.props.nodePool))
      reportViolation(
        `${label} has no readable nodePool, so the pack cannot tell what its nodes are (fail closed). Fix: declare the default nodePool with a name and size.`,
      );
    const firewall = asRecord(args.props.controlPlaneFirewall);
    if (firewall.enabled !== true) {
      reportViolation(
        `${label} does not enable controlPlaneFirewall, so its API endpoint is open to the whole internet. Fix: set controlPlaneFirewall: { enabled: true, allowedAddresses: [<allow-listed CIDRs>] }.`,
      );
      return;
    }
    const raw = firewall.allowedAddresses;
    const addresses = asArray(raw).map((a) => asText(a) ?? "");
    if (addresses.length === 0) {
      reportViolation(
        `${label} enables controlPlaneFirewall with no allowedAddresses, which the pack cannot read as closed (fail closed). Fix: list the operators' allow-listed CIDRs.`,
      );
      return;
    }
    const problems = addresses
      .map((a) => sshSourceProblem(a, config))
      .filter((p): p is string => p !== undefined);
    if (problems.length > 0)
      reportViolation(
        `${label} admits API clients too widely: ${problems.join("; ")}. Fix: allowedAddresses may list only CIDRs no wider than /${config.maxPrefixV4} (IPv4) or /${config.maxPrefixV6} (IPv6) inside the allow-list.`,
      );
  },
};
