// How Pulumi reaches each host's Docker daemon: the local `ssh` binary (the Docker provider's
// ssh:// transport), with host keys checked against the operator's known_hosts. The edge is the
// bastion: trading has no public SSH, so it is reached through the edge with ProxyJump.
//
// Host-key pinning: before the first `pulumi up` that creates containers, add both hosts' keys
// to known_hosts from a trusted channel (the droplet console, or the fingerprints cloud-init
// prints to the console log), for the edge's reserved IP and for trading's VPC address (ssh
// checks the jumped-to host against known_hosts too). Never blind `ssh-keyscan` over the
// internet, never StrictHostKeyChecking=no or accept-new.
import { BOOTSTRAP_MARKER_PATH } from "../builders/cloud-init";
import { UNIX_USER_PATTERN } from "../builders/validate";

// biome-ignore lint/security/noSecrets: an ssh option, flagged only for its length.
export const STRICT_HOST_KEYS = "StrictHostKeyChecking=yes";

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export interface SshTarget {
  user: string;
  address: string;
  /** The bastion for hosts without public SSH (trading in split). */
  jumpAddress?: string;
}

function checked(target: SshTarget): SshTarget {
  if (!UNIX_USER_PATTERN.test(target.user))
    throw new Error(`ssh user '${target.user}' is not a Linux user name`);
  for (const a of [target.address, target.jumpAddress]) {
    if (a !== undefined && !IPV4.test(a)) throw new Error(`ssh address '${a}' is not an IPv4 address`);
  }
  return target;
}

/** `ssh://user@address`, the Docker provider's host. */
export function dockerHost(target: SshTarget): string {
  const t = checked(target);
  return `ssh://${t.user}@${t.address}`;
}

/**
 * Options appended to every ssh call. Host keys must already be in known_hosts (pinned by the
 * operator, see README): StrictHostKeyChecking=yes refuses unknown or changed keys, and BatchMode
 * fails instead of prompting.
 */
export function sshOptions(target: SshTarget): string[] {
  const t = checked(target);
  const jump = t.jumpAddress ? ["-o", `ProxyJump=${t.user}@${t.jumpAddress}`] : [];
  return [...jump, "-o", STRICT_HOST_KEYS, "-o", "BatchMode=yes"];
}

/**
 * Waits for cloud-init to finish and proves the bootstrap completed: the marker is written by the
 * last runcmd step only when every earlier step succeeded. `status --wait` exits 2 on warnings
 * that do not matter here, so the marker, not its exit code, decides.
 */
export const CLOUD_INIT_WAIT = `cloud-init status --wait >/dev/null 2>&1; test -f ${BOOTSTRAP_MARKER_PATH}`;

/** The local shell command that runs CLOUD_INIT_WAIT on the host (every part validated above). */
export function cloudInitWaitCommand(target: SshTarget): string {
  const t = checked(target);
  return ["ssh", ...sshOptions(t), `${t.user}@${t.address}`, `'${CLOUD_INIT_WAIT}'`].join(" ");
}
