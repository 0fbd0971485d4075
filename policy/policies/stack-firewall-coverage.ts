import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { numberList, stringList, withDefaults } from "../lib/config";
import {
  DROPLET_TYPE,
  describeRule,
  FIREWALL_TYPE,
  firewallRules,
  firewallTargets,
  publicPeers,
  resourceLabel,
} from "../lib/firewall";
import { portsOutside } from "../lib/ports";
import { asText, asTextArray } from "../lib/props";

interface Config {
  tradingTags: string[];
  tradingInboundPorts: number[];
}

// DESIGN §2: the edge reaches trading on SSH (bastion), the brain TLS gateway and NATS; never 3002.
const DEFAULTS: Config = { tradingTags: ["titan-trading"], tradingInboundPorts: [22, 3100, 4222] };

function covers(firewall: PolicyResource, droplet: PolicyResource): boolean {
  const targets = firewallTargets(firewall.props);
  const dropletTags = asTextArray(droplet.props.tags);
  if (targets.tags.some((tag) => dropletTags.includes(tag))) return true;
  const id = asText(droplet.props.id);
  return id !== undefined && id !== "" && targets.dropletIds.includes(id);
}

export const stackFirewallCoverage: StackValidationPolicy = {
  name: "stack-firewall-coverage",
  description:
    "Every droplet in the stack is covered by a cloud firewall (by droplet id or by tag), and no firewall covering a trading droplet has an inbound rule from a public source.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: {
      tradingTags: stringList("Droplet tags that mark the trading plane.", DEFAULTS.tradingTags),
      tradingInboundPorts: numberList(
        "The only ports any peer may reach a trading droplet on.",
        DEFAULTS.tradingInboundPorts,
      ),
    },
  },
  validateStack: (args, reportViolation) => {
    const config = withDefaults(DEFAULTS, args.getConfig());
    const droplets = args.resources.filter((r) => r.type === DROPLET_TYPE);
    const firewalls = args.resources.filter((r) => r.type === FIREWALL_TYPE);
    for (const droplet of droplets) {
      const label = resourceLabel(droplet.name, droplet.urn);
      const covering = firewalls.filter((fw) => covers(fw, droplet));
      if (covering.length === 0) {
        reportViolation(
          `Droplet ${label} is not covered by any firewall. Fix: target it from a firewall by one of its tags or its id.`,
          droplet.urn,
        );
        continue;
      }
      const tags = asTextArray(droplet.props.tags);
      if (!tags.some((tag) => config.tradingTags.includes(tag))) continue;
      for (const firewall of covering) {
        for (const rule of firewallRules(firewall.props, "inbound")) {
          // Fail closed on protocols: anything but ICMP has ports (udp on 4222 is still 4222).
          const outside = rule.ports ? portsOutside(rule.ports, config.tradingInboundPorts) : [];
          if (outside.length > 0)
            reportViolation(
              `Trading droplet ${label} is reachable on port(s) ${outside.join(", ")} through firewall ${resourceLabel(firewall.name, firewall.urn)} ${describeRule(rule)}. ` +
                `Fix: trading takes inbound traffic only on ${config.tradingInboundPorts.join(", ")} (DESIGN §2), from the edge by tag.`,
              droplet.urn,
            );
          const peers = publicPeers(rule);
          if (peers.length === 0) continue;
          reportViolation(
            `Trading droplet ${label} is reachable from public source(s) ${peers.join(", ")} through firewall ${resourceLabel(firewall.name, firewall.urn)} ${describeRule(rule)}. ` +
              "Fix: the trading plane takes inbound traffic only from the edge (by tag) or private VPC addresses.",
            droplet.urn,
          );
        }
      }
    }
  },
};
