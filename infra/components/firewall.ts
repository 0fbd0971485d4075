import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import type { RoleFirewallRules } from "../builders/firewall-rules";

export interface RoleFirewallArgs {
  stack: string;
  role: string;
  /** The role tag: the firewall covers every droplet carrying it, now and after a rebuild. */
  targetTag: digitalocean.Tag;
  /** Tags the rules refer to; they must exist before the firewall does. */
  referencedTags: digitalocean.Tag[];
  rules: RoleFirewallRules;
}

/** The cloud firewall of one role, from the pure rule builder. */
export class RoleFirewall extends pulumi.ComponentResource {
  readonly firewall: digitalocean.Firewall;

  constructor(name: string, args: RoleFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("titan:infra:RoleFirewall", name, {}, opts);
    this.firewall = new digitalocean.Firewall(
      `${name}-firewall`,
      {
        name: `titan-${args.stack}-${args.role}`,
        tags: [args.targetTag.name],
        inboundRules: args.rules.inbound,
        outboundRules: args.rules.outbound,
      },
      { parent: this, dependsOn: args.referencedTags },
    );
    this.registerOutputs({ firewallId: this.firewall.id });
  }
}
