import type { ResourceValidationPolicy } from "@pulumi/policy";
import { describeRule, FIREWALL_TYPE, firewallRules, publicPeers, resourceLabel } from "../lib/firewall";
import { isAllPorts } from "../lib/ports";

export const egressPortScoped: ResourceValidationPolicy = {
  name: "egress-port-scoped",
  description:
    "Outbound firewall rules to public destinations are scoped to specific ports; an all-ports rule to the internet lets a compromised host exfiltrate anywhere.",
  enforcementLevel: "advisory",
  severity: "medium",
  validateResource: (args, reportViolation) => {
    if (args.type !== FIREWALL_TYPE) return;
    for (const rule of firewallRules(args.props, "outbound")) {
      if (!rule.ports || !isAllPorts(rule.ports)) continue;
      const peers = publicPeers(rule);
      if (peers.length === 0) continue;
      reportViolation(
        `Firewall ${resourceLabel(args.name, args.urn)}: ${describeRule(rule)} allows all ports to public destination(s) ${peers.join(", ")}. ` +
          "Fix: list the needed ports explicitly (53, 123, 443, ...).",
      );
    }
  },
};
