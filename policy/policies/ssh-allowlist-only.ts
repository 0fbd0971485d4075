import type { ResourceValidationPolicy } from "@pulumi/policy";
import { maxPrefix, stringList, withDefaults } from "../lib/config";
import { describeRule, FIREWALL_TYPE, firewallRules, resourceLabel, ruleCoversPort } from "../lib/firewall";
import { containsRange, parseCidr } from "../lib/net";

interface Config {
  allowlist: string[];
  maxPrefixV4: number;
  maxPrefixV6: number;
}

const DEFAULTS: Config = { allowlist: [], maxPrefixV4: 24, maxPrefixV6: 48 };

/** Why an SSH source address is refused, or undefined when it is allowed. */
export function sshSourceProblem(source: string, config: Config): string | undefined {
  const parsed = parseCidr(source);
  if (!parsed) return `'${source}' is not a valid address`;
  const widest = parsed.family === "ipv4" ? config.maxPrefixV4 : config.maxPrefixV6;
  if (parsed.prefix < widest) return `${source} is wider than /${widest}`;
  const allowed = config.allowlist.map(parseCidr).some((entry) => entry && containsRange(entry, parsed));
  return allowed ? undefined : `${source} is not inside the SSH allow-list`;
}

export const sshAllowlistOnly: ResourceValidationPolicy = {
  name: "ssh-allowlist-only",
  description:
    "Inbound SSH (port 22) is admitted only from narrow addresses inside the configured allow-list or from tags and droplets (the edge bastion); never from a public-wide range or a load balancer.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: {
      allowlist: stringList("CIDRs operators may SSH from.", DEFAULTS.allowlist),
      maxPrefixV4: maxPrefix("IPv4", 24),
      maxPrefixV6: maxPrefix("IPv6", 48),
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== FIREWALL_TYPE) return;
    const config = withDefaults(DEFAULTS, args.getConfig());
    for (const rule of firewallRules(args.props, "inbound")) {
      if (!ruleCoversPort(rule, 22)) continue;
      const problems = rule.addresses
        .map((source) => sshSourceProblem(source, config))
        .filter((p): p is string => p !== undefined);
      problems.push(...rule.loadBalancerUids.map((uid) => `load balancer ${uid} forwards internet traffic`));
      if (problems.length === 0) continue;
      reportViolation(
        `Firewall ${resourceLabel(args.name, args.urn)}: ${describeRule(rule)} opens SSH (22) too widely: ${problems.join("; ")}. ` +
          `Fix: admit 22 only from allow-listed CIDRs no wider than /${config.maxPrefixV4} (IPv4) or /${config.maxPrefixV6} (IPv6), or from the bastion's tag.`,
      );
    }
  },
};
