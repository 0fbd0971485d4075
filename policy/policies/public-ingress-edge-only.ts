import type { ResourceValidationPolicy } from "@pulumi/policy";
import { stringList, withDefaults } from "../lib/config";
import {
  describeRule,
  FIREWALL_TYPE,
  firewallRules,
  firewallTargets,
  publicPeers,
  resourceLabel,
} from "../lib/firewall";
import { portsOutside } from "../lib/ports";

interface Config {
  publicIngressTags: string[];
}

const DEFAULTS: Config = { publicIngressTags: ["titan-edge", "titan-single"] };
/** 22 is judged by ssh-allowlist-only; only the web ports are otherwise public. */
const PUBLIC_PORTS = [22, 80, 443];

export const publicIngressEdgeOnly: ResourceValidationPolicy = {
  name: "public-ingress-edge-only",
  description:
    "Public sources may reach only ports 80 and 443 (and 22 as ssh-allowlist-only permits), and only through firewalls whose targets are exclusively droplets carrying a public-ingress tag.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: {
      publicIngressTags: stringList(
        "Droplet tags allowed to receive public traffic.",
        DEFAULTS.publicIngressTags,
      ),
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== FIREWALL_TYPE) return;
    const config = withDefaults(DEFAULTS, args.getConfig());
    const label = resourceLabel(args.name, args.urn);
    const targets = firewallTargets(args.props);
    const foreignTags = targets.tags.filter((tag) => !config.publicIngressTags.includes(tag));
    for (const rule of firewallRules(args.props, "inbound")) {
      const peers = publicPeers(rule);
      if (peers.length === 0) continue;
      const extraPorts = rule.ports ? portsOutside(rule.ports, PUBLIC_PORTS) : [];
      if (extraPorts.length > 0) {
        reportViolation(
          `Firewall ${label}: ${describeRule(rule)} admits public source(s) ${peers.join(", ")} to port(s) ${extraPorts.join(", ")}. ` +
            "Fix: public sources may reach only 80 and 443; scope other ports to private sources or tags.",
        );
      }
      if (foreignTags.length > 0 || targets.dropletIds.length > 0) {
        const what = [
          ...foreignTags.map((t) => `tag '${t}'`),
          ...targets.dropletIds.map((id) => `droplet id ${id}`),
        ];
        reportViolation(
          `Firewall ${label}: ${describeRule(rule)} admits public source(s) ${peers.join(", ")} but targets ${what.join(", ")}, which is not a public-ingress tag (${config.publicIngressTags.join(", ")}). ` +
            "Fix: put public rules in a firewall that targets only the edge droplets by their public-ingress tag.",
        );
      }
    }
  },
};
