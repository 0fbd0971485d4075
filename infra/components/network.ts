import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import { envTag, roleTag } from "../builders/role-tags";
import type { Role } from "../config/schema";

export interface NetworkArgs {
  /** Goes before each child's resource name (a bench copy's `r3-`); empty for the real stack. */
  namePrefix?: string;
  stack: string;
  region: string;
  vpcCidr: string;
  roles: Role[];
  sshPublicKeys: string[];
}

/** The VPC, the role and environment tags, and the operators' SSH keys. */
export class TitanNetwork extends pulumi.ComponentResource {
  readonly vpc: digitalocean.Vpc;
  readonly roleTags: Partial<Record<Role, digitalocean.Tag>>;
  readonly envTag: digitalocean.Tag;
  readonly sshKeys: digitalocean.SshKey[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("titan:infra:Network", name, {}, opts);
    const child = { parent: this };
    const p = args.namePrefix ?? "";
    this.vpc = new digitalocean.Vpc(
      `${name}-vpc`,
      {
        name: `titan-${args.stack}`,
        region: args.region,
        ipRange: args.vpcCidr,
        description: `Titan ${args.stack}: private network between the Titan droplets`,
      },
      child,
    );
    this.roleTags = {};
    for (const role of args.roles) {
      this.roleTags[role] = new digitalocean.Tag(`${p}tag-${role}`, { name: roleTag(role) }, child);
    }
    this.envTag = new digitalocean.Tag(`${p}tag-env`, { name: envTag(args.stack) }, child);
    this.sshKeys = args.sshPublicKeys.map(
      (publicKey, i) =>
        new digitalocean.SshKey(
          `${p}ssh-key-${i}`,
          { name: `titan-${args.stack}-${keyLabel(publicKey, i)}`, publicKey },
          child,
        ),
    );
    this.registerOutputs({ vpcId: this.vpc.id });
  }

  tagFor(role: Role): digitalocean.Tag {
    const tag = this.roleTags[role];
    if (!tag) throw new Error(`no tag for role ${role} in this topology`);
    return tag;
  }
}

/** The key's comment when it has a usable one, else its position. */
function keyLabel(publicKey: string, index: number): string {
  const comment = publicKey.trim().split(/\s+/).slice(2).join("-");
  const safe = comment
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 40);
  return safe ? `${index}-${safe}` : String(index);
}
