import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { shellQuote } from "../builders/backup/backup-env";
import { dataDirsRemoteCommand } from "../builders/data-dirs";
import { knownHostsName, type PinnedHop, type SshTarget, sshOptions } from "../builders/ssh-access";

export interface DataDirsArgs {
  /** The host as its Docker provider reaches it, with its pinned key (and the jump's). */
  target: pulumi.Input<PinnedHop & SshTarget>;
  /** The busybox image the step runs (the stack's redis image by digest). */
  image: pulumi.Input<string>;
  /** After the host's cloud-init wait: the volume is mounted and the deploy user exists. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** The local /bin/sh script: ssh with the Docker provider's options, the remote step, a clear failure. */
export function dataDirsScript(t: PinnedHop & SshTarget, image: string): string {
  const ssh = [
    "ssh",
    ...sshOptions(t).map(shellQuote),
    `${t.user}@${t.address}`,
    shellQuote(dataDirsRemoteCommand({ image })),
  ].join(" ");
  const failed = `titan: preparing the data volume's directories on ${t.user}@${knownHostsName(t)} failed (exit `;
  const after =
    "; the reason is above). No container that mounts them was replaced. Fix it and run pulumi up again.";
  return `${ssh} || { rc=$?; echo ${shellQuote(failed)}"$rc"${shellQuote(after)} >&2; exit 1; }`;
}

/**
 * Makes every data-volume directory exist with its owner before any container on the host mounts
 * it; re-runs when the host or the list changes (so a release that adds a directory reaches hosts
 * whose cloud-init ran before it). A failure fails `pulumi up` before any container is replaced.
 */
export function createDataDirs(name: string, args: DataDirsArgs, parent: pulumi.Resource) {
  const script = pulumi.all([args.target, args.image]).apply(([t, image]) => dataDirsScript(t, image));
  return new command.local.Command(
    name,
    {
      create: script,
      update: script,
      interpreter: ["/bin/sh", "-c"],
      // The script holds the list, the host and the image: any change runs it again (update).
      logging: "stderr",
    },
    { parent, dependsOn: args.dependsOn },
  );
}
