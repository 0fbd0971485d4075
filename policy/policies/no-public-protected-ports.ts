import type { ResourceValidationPolicy } from "@pulumi/policy";
import { numberList, withDefaults } from "../lib/config";
import {
  describeRule,
  FIREWALL_TYPE,
  firewallRules,
  publicPeers,
  resourceLabel,
  ruleCoversPort,
} from "../lib/firewall";

export const DEFAULT_PROTECTED_PORTS = [3100, 3002, 4222, 8222, 5432, 6379] as const;

interface Config {
  protectedPorts: number[];
}

export const noPublicProtectedPorts: ResourceValidationPolicy = {
  name: "no-public-protected-ports",
  description:
    "No inbound firewall rule may admit a public source (any address outside private, loopback, link-local, CGNAT or unique-local space, or a load balancer) to an internal port such as brain 3100, execution 3002, NATS 4222/8222, Postgres 5432 or Redis 6379.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: {
      protectedPorts: numberList("Internal ports no public source may reach.", DEFAULT_PROTECTED_PORTS),
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== FIREWALL_TYPE) return;
    const config = withDefaults<Config>({ protectedPorts: [...DEFAULT_PROTECTED_PORTS] }, args.getConfig());
    for (const rule of firewallRules(args.props, "inbound")) {
      const peers = publicPeers(rule);
      if (peers.length === 0) continue;
      const exposed = config.protectedPorts.filter((port) => ruleCoversPort(rule, port));
      if (exposed.length === 0) continue;
      reportViolation(
        `Firewall ${resourceLabel(args.name, args.urn)}: ${describeRule(rule)} admits public source(s) ${peers.join(", ")} to protected port(s) ${exposed.join(", ")}. ` +
          "Fix: restrict the rule's sourceAddresses to private VPC ranges or use sourceTags, or narrow portRange so it excludes these ports.",
      );
    }
  },
};
