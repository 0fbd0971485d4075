import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import { dataVolumeName, type Role } from "../model/topology";

export const UBUNTU_IMAGE = "ubuntu-24-04-x64";

/** Fields whose change makes DigitalOcean rebuild a droplet (DESIGN.md §5): never by accident. */
export const REPLACEMENT_FIELDS = ["userData", "sshKeys", "image"];

/**
 * DigitalOcean's daily droplet backup (the system disk only: block volumes are not included, which is
 * why the data volume has its own off-host restic backup). Daily rather than the default weekly plan,
 * so a lost droplet is rebuilt from a day-old image; the window opens at 04:00 UTC, after the 03:30
 * restic run has started, and neither stops the droplet. Changing it is an in-place update.
 */
export const DAILY_BACKUP_POLICY = { plan: "daily", hour: 4 } as const;

export interface HostArgs {
  role: Role;
  stack: string;
  region: string;
  size: string;
  vpcId: pulumi.Input<string>;
  sshKeyFingerprints: pulumi.Input<string>[];
  tags: pulumi.Input<string>[];
  userData: string;
  backups: boolean;
  /** Holds state (exchange keys' whitelisted IP, data volume): protected against deletion. */
  stateful: boolean;
  dataVolumeGb?: number;
}

/** One droplet and, for the trading role, its data volume. */
export class TitanHost extends pulumi.ComponentResource {
  readonly droplet: digitalocean.Droplet;
  readonly volume?: digitalocean.Volume;
  readonly volumeName?: string;

  constructor(name: string, args: HostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("titan:infra:Host", name, {}, opts);
    this.droplet = new digitalocean.Droplet(
      `${name}-droplet`,
      {
        name: `titan-${args.stack}-${args.role}`,
        image: UBUNTU_IMAGE,
        region: args.region,
        size: args.size,
        vpcUuid: args.vpcId,
        sshKeys: args.sshKeyFingerprints,
        monitoring: true,
        backups: args.backups,
        ...(args.backups ? { backupPolicy: { ...DAILY_BACKUP_POLICY } } : {}),
        ipv6: false,
        gracefulShutdown: true,
        tags: args.tags,
        userData: args.userData,
      },
      { parent: this, protect: args.stateful, ignoreChanges: REPLACEMENT_FIELDS },
    );
    if (args.dataVolumeGb !== undefined) {
      this.volumeName = dataVolumeName(args.stack);
      this.volume = new digitalocean.Volume(
        `${name}-data`,
        {
          name: this.volumeName,
          region: args.region,
          size: args.dataVolumeGb,
          initialFilesystemType: "ext4",
          initialFilesystemLabel: "titan-data",
          description: "JetStream store and Postgres data",
        },
        { parent: this, protect: true, retainOnDelete: true },
      );
      new digitalocean.VolumeAttachment(
        `${name}-data-attachment`,
        { dropletId: this.droplet.id.apply(Number), volumeId: this.volume.id },
        { parent: this },
      );
    }
    this.registerOutputs({ dropletId: this.droplet.id });
  }
}
