import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { resourceLabel } from "../lib/firewall";
import { isPublicSource } from "../lib/net";
import { asRecordArray, asText } from "../lib/props";
import { referenceTexts, resolveReferences } from "../lib/resource-refs";

export const DATABASE_CLUSTER_TYPE = "digitalocean:index/databaseCluster:DatabaseCluster";
export const DATABASE_FIREWALL_TYPE = "digitalocean:index/databaseFirewall:DatabaseFirewall";

/** Trusted-source kinds that name something inside the account (the docs spell ip_addr both ways). */
const PRIVATE_KINDS = new Set(["droplet", "k8s", "tag"]);

function judgeFirewall(firewall: PolicyResource, report: (m: string) => void): void {
  const label = `Database firewall ${resourceLabel(firewall.name, firewall.urn)}`;
  asRecordArray(firewall.props.rules).forEach((rule, i) => {
    const rawType = asText(rule.type) ?? "";
    const kind = rawType.toLowerCase().replace(/_/g, "");
    const value = asText(rule.value) ?? "";
    const where = `${label}: rule #${i + 1} (${rawType || "no type"} '${value}')`;
    if (kind === "app") {
      report(
        `${where} trusts an App Platform app, which runs outside Titan's firewalls and can publish routes to the internet. Fix: trust the trading droplet by tag or id instead.`,
      );
    } else if (kind === "ipaddr") {
      if (isPublicSource(value))
        report(
          `${where} trusts a public (or unreadable) address range. Fix: trust only private VPC addresses, or the trading droplet by tag or id.`,
        );
    } else if (!PRIVATE_KINDS.has(kind)) {
      report(
        `${where} has a trusted-source type the pack does not know, so it cannot tell what it admits (fail closed). Fix: use droplet, tag, k8s or a private ip_addr.`,
      );
    }
  });
}

export const databaseClusterPrivate: StackValidationPolicy = {
  name: "database-cluster-private",
  description:
    "A managed database cluster lives in a private network and has a database firewall with at least one trusted source, and no trusted source is a public address or an App Platform app.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateStack: (args, reportViolation) => {
    const clusters = args.resources.filter((r) => r.type === DATABASE_CLUSTER_TYPE);
    const firewalls = args.resources.filter((r) => r.type === DATABASE_FIREWALL_TYPE);
    const guarded = new Set<PolicyResource>();
    for (const firewall of firewalls) {
      judgeFirewall(firewall, (m) => reportViolation(m, firewall.urn));
      // A firewall without rules trusts nothing, and DigitalOcean then admits every address.
      if (asRecordArray(firewall.props.rules).length === 0) continue;
      const refs = referenceTexts(firewall.props.clusterId);
      for (const cluster of resolveReferences(firewall, "clusterId", refs, clusters).targets)
        guarded.add(cluster);
    }
    for (const cluster of clusters) {
      const label = `Database cluster ${resourceLabel(cluster.name, cluster.urn)}`;
      if (!asText(cluster.props.privateNetworkUuid))
        reportViolation(
          `${label} has no privateNetworkUuid, so it is not placed in the stack's VPC. Fix: set privateNetworkUuid to the VPC's id.`,
          cluster.urn,
        );
      if (!guarded.has(cluster))
        reportViolation(
          `${label} has no database firewall with a trusted source, so every address on the internet may try to connect. Fix: add a DatabaseFirewall whose clusterId is this cluster and whose rules trust only the trading droplet (tag or id) or private addresses.`,
          cluster.urn,
        );
    }
  },
};
