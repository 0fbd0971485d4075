import { createHash } from "node:crypto";
import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import type { Role } from "../model/topology";
import { envTag, roleTag } from "../model/topology";

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
    // DigitalOcean's account keys API takes ssh-rsa, ecdsa-sha2-* and ssh-ed25519 only (its 422
    // "Key invalid type" lists them): a security key (sk-…) is refused, so only the other keys
    // are registered. They reach root's authorized_keys, which sshd refuses anyway (root login
    // is off); cloud-init installs every operator key, sk- included, for the deploy user.
    const registrable = args.sshPublicKeys
      .map((publicKey, i) => ({ publicKey, i }))
      .filter(({ publicKey }) => !publicKey.trim().startsWith("sk-"));
    this.sshKeys = registrable.map(
      ({ publicKey, i }) =>
        new digitalocean.SshKey(
          `${p}ssh-key-${i}`,
          { name: `titan-${args.stack}-${keyLabel(publicKey, i)}`, publicKey },
          child,
        ),
    );
    if (this.sshKeys.length === 0) {
      // A droplet created with no key gets a root password by e-mail and password login until
      // cloud-init locks it down. With hardware keys only, register a key that nobody can use.
      this.sshKeys.push(
        new digitalocean.SshKey(
          `${p}ssh-key-no-login`,
          { name: `titan-${args.stack}-no-login`, publicKey: unusablePublicKey(args.stack) },
          child,
        ),
      );
    }
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

/**
 * An ssh-ed25519 public key whose 32 key bytes are a SHA-256 of a fixed label: a well-formed key
 * for which no private key is known to anyone (finding one means breaking Ed25519), so it opens
 * nothing. It only keeps DigitalOcean from mailing a root password.
 */
export function unusablePublicKey(stack: string): string {
  const type = Buffer.from("ssh-ed25519");
  const point = createHash("sha256")
    .update(`titan-infra: no private key exists for this key (${stack})`)
    .digest();
  const blob = Buffer.alloc(4 + type.length + 4 + point.length);
  blob.writeUInt32BE(type.length, 0);
  type.copy(blob, 4);
  blob.writeUInt32BE(point.length, 4 + type.length);
  point.copy(blob, 8 + type.length);
  return `ssh-ed25519 ${blob.toString("base64")} titan-${stack}-no-login`;
}
