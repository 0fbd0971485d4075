import { createHash } from "node:crypto";
import * as command from "@pulumi/command";
import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { buildBackupEnv, shellQuote } from "../builders/backup/backup-env";
import { buildInstallScript, hostRootShell, type InstallFile } from "../builders/backup/backup-install";
import { buildBackupScript } from "../builders/backup/backup-script";
import { buildCredentialsFile } from "../builders/backup/credentials";
import { BACKUP_PATHS, spacesRepository } from "../builders/backup/paths";
import type { BackupRetention } from "../builders/backup/retention";
import { tradingBackupEnvInput } from "../builders/backup/trading-host";
import { buildBackupUnits } from "../builders/backup/units";
import { type PinnedHop, type SshTarget, sshOptions } from "../builders/ssh-access";

/**
 * Regions with Spaces (DigitalOcean availability matrix); a stack elsewhere keeps its backups in
 * the nearest one, which is also off the droplet's datacenter.
 */
export const SPACES_REGIONS = [
  "nyc3",
  "sfo2",
  "sfo3",
  "ams3",
  "fra1",
  "sgp1",
  "syd1",
  "blr1",
  "lon1",
  "tor1",
  "atl1",
];
const NEAREST_SPACES: Record<string, string> = { nyc1: "nyc3" };

export function spacesRegionFor(region: string): string {
  if (SPACES_REGIONS.includes(region)) return region;
  const near = NEAREST_SPACES[region];
  if (!near) throw new Error(`titan:region '${region}' has no Spaces and no nearby Spaces region is known`);
  return near;
}

/** Noncurrent object versions (left by restic's prune and lock files) are kept this long. */
export const NONCURRENT_VERSION_DAYS = 30;

export interface BackupArgs {
  label: string;
  region: string;
  schedule: string;
  retention: BackupRetention;
  /** The trading host as its Docker provider reaches it, with its pinned key (and the jump's). */
  target: pulumi.Input<PinnedHop & SshTarget>;
  slack?: { url: pulumi.Input<string>; channel: string };
  /** The containers whose image the install borrows for its root shell must exist first. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * The off-host backup of the trading data: a private, versioned, protected Spaces bucket, a key
 * that can reach only that bucket, a stable restic repository key, and the script, settings,
 * units and credentials delivered over SSH on stdin (never user data, never argv).
 */
export class TitanBackup extends pulumi.ComponentResource {
  readonly bucket: digitalocean.SpacesBucket;
  readonly key: digitalocean.SpacesKey;
  readonly install: command.local.Command;

  constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("titan:infra:Backup", name, {}, opts);
    const spacesRegion = spacesRegionFor(args.region);
    const bucketName = `titan-${args.label}-backups`;
    this.bucket = new digitalocean.SpacesBucket(
      `${name}-bucket`,
      {
        name: bucketName,
        region: spacesRegion,
        acl: "private",
        versioning: { enabled: true },
        lifecycleRules: [
          {
            id: "expire-noncurrent",
            enabled: true,
            noncurrentVersionExpiration: { days: NONCURRENT_VERSION_DAYS },
            abortIncompleteMultipartUploadDays: 7,
          },
        ],
      },
      // No forceDestroy: a stack deletion must never take the backups with it.
      { parent: this, protect: true },
    );
    this.key = new digitalocean.SpacesKey(
      `${name}-key`,
      { name: `titan-${args.label}-backup`, grants: [{ bucket: this.bucket.name, permission: "readwrite" }] },
      { parent: this },
    );
    // Not keyed by titan:rotationEpoch: a new password would not open the existing snapshots.
    // Change it with `restic key add` / `restic key remove` (docs/operations.md), then here.
    const repoKey = new random.RandomPassword(
      `${name}-restic-key`,
      { length: 64, special: false },
      { parent: this, protect: true },
    );

    const env = buildBackupEnv(
      tradingBackupEnvInput({
        repository: spacesRepository(spacesRegion, bucketName),
        label: args.label,
        retention: args.retention,
      }),
    );
    const plainFiles: InstallFile[] = [
      { path: BACKUP_PATHS.script, mode: "0755", content: buildBackupScript() },
      { path: BACKUP_PATHS.envFile, mode: "0644", content: env },
      ...Object.entries(buildBackupUnits({ schedule: args.schedule })).map(
        ([unit, content]): InstallFile => ({
          path: `${BACKUP_PATHS.unitDir}/${unit}`,
          mode: "0644",
          content,
        }),
      ),
    ];
    const slackUrl = args.slack ? pulumi.output(args.slack.url) : pulumi.output(undefined);
    const stdin = pulumi
      .all([repoKey.result, this.key.accessKey, this.key.secretKey, slackUrl])
      .apply(([password, accessKeyId, secretAccessKey, url]) =>
        buildInstallScript([
          ...plainFiles,
          {
            path: BACKUP_PATHS.credentials,
            mode: "0600",
            content: buildCredentialsFile({
              resticPassword: password,
              accessKeyId,
              secretAccessKey,
              ...(url && args.slack ? { slack: { url, channel: args.slack.channel } } : {}),
            }),
          },
        ]),
      );
    const ssh = pulumi
      .output(args.target)
      .apply((t) =>
        [
          "ssh",
          ...sshOptions(t).map(shellQuote),
          `${t.user}@${t.address}`,
          shellQuote(hostRootShell("redis", "/bin/sh -s")),
        ].join(" "),
      );
    const digest = createHash("sha256")
      .update(plainFiles.map((f) => `${f.path}\n${f.content}`).join("\n"))
      .digest("hex");
    this.install = new command.local.Command(
      `${name}-install`,
      {
        create: ssh,
        update: ssh,
        stdin: pulumi.secret(stdin),
        interpreter: ["/bin/sh", "-c"],
        // The files' digest (not their text) so a change re-installs; a new key does too.
        triggers: [digest, this.key.accessKey],
        logging: "stderr",
      },
      { parent: this, dependsOn: args.dependsOn, additionalSecretOutputs: ["stdin"] },
    );
    this.registerOutputs({ bucket: this.bucket.name });
  }
}

/** How the trading host's Docker provider reaches it, with its pin (and the jump's), for ssh. */
export function pinnedTarget(
  host: {
    hop: pulumi.Output<{ user: string; address: string; dropletId: string }>;
    hostKey: pulumi.Output<string>;
  },
  jump?: {
    hop: pulumi.Output<{ user: string; address: string; dropletId: string }>;
    hostKey: pulumi.Output<string>;
  },
): pulumi.Output<PinnedHop & SshTarget> {
  const j = jump
    ? pulumi.all([jump.hop, jump.hostKey]).apply(([hop, hostKey]) => ({ ...hop, hostKey }))
    : pulumi.output(undefined);
  return pulumi
    .all([host.hop, host.hostKey, j])
    .apply(([hop, hostKey, jj]) => ({ ...hop, hostKey, ...(jj ? { jump: jj } : {}) }));
}
