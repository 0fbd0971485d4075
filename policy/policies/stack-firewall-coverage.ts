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
import { tradingRoles } from "../lib/trading-role";

interface Config {
  tradingTags: string[];
  tradingInboundPorts: number[];
  tradingWorkloads: string[];
  tradingVolumes: string[];
  singleHostTags: string[];
}

// The edge reaches trading on SSH (bastion) and the brain TLS gateway only: nothing on the edge speaks
// NATS since console-api moved to the trading plane (DESIGN §2 also listed 4222). Never 3002.
const DEFAULTS: Config = {
  tradingTags: ["titan-trading"],
  tradingInboundPorts: [22, 3100],
  // Containers (by name or image base name, `-suffix` allowed) whose droplet is trading whatever its tags.
  tradingWorkloads: ["titan-brain", "titan-execution", "postgres", "nats", "redis"],
  // Volume name, tag or filesystem label (`*` wildcard) of the Titan data volume.
  tradingVolumes: ["titan-data", "titan-*-data"],
  // None by default (fail closed); config.single.json names the one-droplet topology's tag.
  singleHostTags: [],
};

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
    "Every droplet in the stack is covered by a cloud firewall (by droplet id or by tag), and no firewall covering a trading droplet (by tag, by a trading workload running on it, or by the Titan data volume attached to it) has an inbound rule from a public source or to a port outside the trading ports.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: {
      tradingTags: stringList("Droplet tags that mark the trading plane.", DEFAULTS.tradingTags),
      tradingInboundPorts: numberList(
        "The only ports any peer may reach a trading droplet on.",
        DEFAULTS.tradingInboundPorts,
      ),
      tradingWorkloads: stringList(
        "Container names or image base names (a `-suffix` allowed) that make the droplet they run on trading.",
        DEFAULTS.tradingWorkloads,
      ),
      tradingVolumes: stringList(
        "Names, tags or filesystem labels (`*` wildcard) of the Titan data volume; the droplet it is attached to is trading.",
        DEFAULTS.tradingVolumes,
      ),
      singleHostTags: stringList(
        "Tags of a one-droplet topology host, which runs both planes: workloads and volumes do not make it trading.",
        DEFAULTS.singleHostTags,
      ),
    },
  },
  validateStack: (args, reportViolation) => {
    const config = withDefaults(DEFAULTS, args.getConfig());
    const droplets = args.resources.filter((r) => r.type === DROPLET_TYPE);
    const firewalls = args.resources.filter((r) => r.type === FIREWALL_TYPE);
    const roles = tradingRoles(args.resources, config);
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
      if (!roles.byUrn.has(droplet.urn)) continue;
      const reason = roles.byUrn.get(droplet.urn);
      const who = `Trading droplet ${label}${reason ? ` (trading because ${reason})` : ""}`;
      for (const firewall of covering) {
        for (const rule of firewallRules(firewall.props, "inbound")) {
          // Fail closed on protocols: anything but ICMP has ports (udp on 4222 is still 4222).
          const outside = rule.ports ? portsOutside(rule.ports, config.tradingInboundPorts) : [];
          if (outside.length > 0)
            reportViolation(
              `${who} is reachable on port(s) ${outside.join(", ")} through firewall ${resourceLabel(firewall.name, firewall.urn)} ${describeRule(rule)}. ` +
                `Fix: trading takes inbound traffic only on ${config.tradingInboundPorts.join(", ")} (SSH through the bastion, the brain gateway), from the edge by tag.`,
              droplet.urn,
            );
          const peers = publicPeers(rule);
          if (peers.length === 0) continue;
          reportViolation(
            `${who} is reachable from public source(s) ${peers.join(", ")} through firewall ${resourceLabel(firewall.name, firewall.urn)} ${describeRule(rule)}. ` +
              "Fix: the trading plane takes inbound traffic only from the edge (by tag) or private VPC addresses.",
            droplet.urn,
          );
        }
      }
    }
    roles.unknown.throwIfAny(
      (count, first) =>
        `${count} value(s) that decide which droplets are trading (a Docker provider's host, addresses, names) are unknown during preview (first: ${first}); droplets recognised only by them are judged at pulumi up`,
    );
  },
};
