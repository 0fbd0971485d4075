// How Pulumi reaches each host's Docker daemon: the local `ssh` binary (the Docker provider's
// ssh:// transport). The edge is the bastion: trading has no public SSH, so it is reached through
// the edge, whose hop gets the same strict options (ProxyCommand `ssh -W`: ProxyJump would not
// pass -o options to the jump).
//
// Host keys, never unchecked:
// - first contact (the cloud-init wait, once per droplet id): StrictHostKeyChecking=accept-new
//   into an empty private known_hosts of that run only, never ~/.ssh/known_hosts; the key seen
//   first is the pin, printed as the wait's stdout and so kept in Pulumi state. A re-run on the
//   same droplet starts from the pin in state (PULUMI_COMMAND_STDOUT), so it cannot re-pin.
// - every later connection: StrictHostKeyChecking=yes against that pin only, handed to ssh by
//   KnownHostsCommand straight from state (no known_hosts file to write, go stale or be swapped;
//   the user's and the system's files are ignored), the same for every operator and CI runner.
// - the SHA256 fingerprints are stack outputs, to compare with the droplet console out of band.
//
// One connection per host: ControlMaster=auto with a per-droplet ControlPath under ~/.ssh (which
// ssh itself creates 0700), kept 15 minutes, so the wait's connection carries every Docker call.
import { createHash } from "node:crypto";
import { BOOTSTRAP_MARKER_PATH } from "./cloud-init";
import { UNIX_USER_PATTERN } from "./validate";

// biome-ignore lint/security/noSecrets: an ssh option, flagged only for its length.
export const STRICT_HOST_KEYS = "StrictHostKeyChecking=yes";
/** How long the wait keeps trying while the droplet boots, sshd starts or the user is created. */
export const WAIT_TIMEOUT_SECONDS = 900;
export const WAIT_RETRY_SECONDS = 5;
/** Idle time a multiplexed master connection is kept. */
export const CONTROL_PERSIST = "15m";
export const DEFAULT_CONTROL_DIR = "~/.ssh";

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const DROPLET_ID = /^[0-9]{1,20}$/;
const CONTROL_DIR = /^(~|\/)[A-Za-z0-9._\-/]*$/;
const KEY_TYPES = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "ssh-rsa",
];
/** ssh's signature algorithms for a pinned key type (an RSA key signs with SHA-2). */
const HOST_KEY_ALGORITHMS: Record<string, string> = {
  "ssh-rsa": "rsa-sha2-512,rsa-sha2-256",
};

export interface SshHop {
  user: string;
  address: string;
  /** Default 22; tests use loopback ports. */
  port?: number;
  /** The droplet behind the address: its own ControlPath, and a new pin when it is replaced. */
  dropletId: string;
}

export interface PinnedHop extends SshHop {
  /** The pinned known_hosts line (the wait's stdout in state). */
  hostKey: string;
}

export interface SshTarget extends SshHop {
  /** The bastion for hosts without public SSH (trading in split), verified against its pin. */
  jump?: PinnedHop;
  /** Where the ControlMaster sockets live (default ~/.ssh); must be private to the user. */
  controlDir?: string;
}

function checkedHop<T extends SshHop>(hop: T, what: string): T {
  if (!UNIX_USER_PATTERN.test(hop.user))
    throw new Error(`${what}: ssh user '${hop.user}' is not a Linux user name`);
  if (!IPV4.test(hop.address))
    throw new Error(`${what}: ssh address '${hop.address}' is not an IPv4 address`);
  if (hop.port !== undefined && (!Number.isInteger(hop.port) || hop.port < 1 || hop.port > 65535))
    throw new Error(`${what}: ssh port ${hop.port} is not a TCP port`);
  if (!DROPLET_ID.test(hop.dropletId))
    throw new Error(`${what}: droplet id '${hop.dropletId}' is not a number`);
  return hop;
}

function checked(target: SshTarget): SshTarget {
  checkedHop(target, "ssh target");
  if (target.jump) {
    checkedHop(target.jump, "ssh jump host");
    parseHostKey(target.jump.hostKey, target.jump);
  }
  if (target.controlDir !== undefined && !CONTROL_DIR.test(target.controlDir))
    throw new Error(`ssh controlDir '${target.controlDir}' is not a plain absolute or ~ path`);
  return target;
}

/** The name ssh uses for the host in known_hosts: `addr`, or `[addr]:port` off port 22. */
export function knownHostsName(hop: SshHop): string {
  return hop.port === undefined || hop.port === 22 ? hop.address : `[${hop.address}]:${hop.port}`;
}

export interface HostKey {
  host: string;
  type: string;
  base64: string;
}

/** One known_hosts line for this hop, checked down to the key blob's own type name. */
export function parseHostKey(line: string, hop: SshHop): HostKey {
  const where = `host key pinned for ${hop.user}@${knownHostsName(hop)}`;
  const parts = line.trim().split(" ");
  const [host, type, base64] = parts;
  if (parts.length !== 3 || host === undefined || type === undefined || base64 === undefined)
    throw new Error(
      `${where}: '${line.trim()}' is not one 'host type key' known_hosts line. Fix: re-run the cloud-init wait (pulumi up --target it, or replace it)`,
    );
  if (host !== knownHostsName(hop))
    throw new Error(`${where}: the line is for '${host}', not '${knownHostsName(hop)}'`);
  if (!KEY_TYPES.includes(type))
    throw new Error(`${where}: key type '${type}' is not one of ${KEY_TYPES.join(", ")}`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new Error(`${where}: the key is not base64`);
  const blob = Buffer.from(base64, "base64");
  const nameLength = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (nameLength < 1 || blob.subarray(4, 4 + nameLength).toString("latin1") !== type)
    throw new Error(`${where}: the key blob does not start with its type '${type}'`);
  return { host, type, base64 };
}

/** `ssh-ed25519 SHA256:…`, as `ssh-keygen -lf` and the droplet console print it. */
export function hostKeyFingerprint(line: string, hop: SshHop): string {
  const key = parseHostKey(line, hop);
  const digest = createHash("sha256").update(Buffer.from(key.base64, "base64")).digest("base64");
  return `${key.type} SHA256:${digest.replace(/=+$/, "")}`;
}

/** `ssh://user@address[:port]`, the Docker provider's host. */
export function dockerHost(target: SshTarget): string {
  const t = checked(target);
  return `ssh://${t.user}@${t.address}${t.port === undefined ? "" : `:${t.port}`}`;
}

function controlOptions(hop: SshHop, controlDir: string): string[] {
  return [
    "ControlMaster=auto",
    `ControlPath=${controlDir}/titan-mux-${hop.dropletId}-${hop.port ?? 22}`,
    `ControlPersist=${CONTROL_PERSIST}`,
  ];
}

/** Options every hop shares: no prompt, no agent or X11 forwarding, a bounded connect. */
const COMMON = [
  "BatchMode=yes",
  "ConnectTimeout=15",
  "ForwardAgent=no",
  "ForwardX11=no",
  "ServerAliveInterval=30",
];

/** Verification against the pin alone: no file of the user's or the system's counts. */
function pinnedOptions(hop: PinnedHop): string[] {
  const key = parseHostKey(hop.hostKey, hop);
  return [
    STRICT_HOST_KEYS,
    "UserKnownHostsFile=/dev/null",
    "GlobalKnownHostsFile=/dev/null",
    `KnownHostsCommand=/bin/echo ${key.host} ${key.type} ${key.base64}`,
    `HostKeyAlgorithms=${HOST_KEY_ALGORITHMS[key.type] ?? key.type}`,
    "CheckHostIP=no",
    "UpdateHostKeys=no",
  ];
}

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const asArgs = (options: string[]) => options.flatMap((o) => ["-o", o]);

function portArgs(hop: SshHop): string[] {
  return hop.port === undefined ? [] : ["-p", String(hop.port)];
}

/** The jump hop as a ProxyCommand: the bastion checked against its own pin, multiplexed too. */
function jumpOptions(target: SshTarget, controlDir: string): string[] {
  if (!target.jump) return [];
  const j = target.jump;
  const inner = [
    "ssh",
    ...asArgs([...COMMON, ...pinnedOptions(j), ...controlOptions(j, controlDir)]),
    ...portArgs(j),
    "-W",
    "%h:%p",
    `${j.user}@${j.address}`,
  ];
  return [`ProxyCommand=${inner.map(shQuote).join(" ")}`];
}

/**
 * The Docker provider's sshOpts (appended to every ssh it runs): the target verified against its
 * pin, the jump hop likewise, one multiplexed connection per host.
 */
export function sshOptions(target: PinnedHop & SshTarget): string[] {
  checked(target);
  const t = target;
  const dir = t.controlDir ?? DEFAULT_CONTROL_DIR;
  // The port is the Docker host's (ssh://user@addr:port), not an option.
  return asArgs([...COMMON, ...pinnedOptions(t), ...controlOptions(t, dir), ...jumpOptions(t, dir)]);
}

/** The remote command: exit 3 means cloud-init finished but the bootstrap marker is missing. */
export const CLOUD_INIT_WAIT = `cloud-init status --wait >/dev/null 2>&1; test -f ${BOOTSTRAP_MARKER_PATH} || exit 3`;

/**
 * The local /bin/sh script of the cloud-init wait: first contact (accept-new into a private
 * known_hosts of this run, seeded with the previous pin on a re-run), retried while the droplet
 * boots, until cloud-init is done or WAIT_TIMEOUT_SECONDS pass; prints the pinned line.
 */
export function cloudInitWaitScript(
  target: SshTarget,
  timeoutSeconds = WAIT_TIMEOUT_SECONDS,
  remoteCommand = CLOUD_INIT_WAIT,
): string {
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 0)
    throw new Error(`wait timeout ${timeoutSeconds} is not a whole number of seconds`);
  const t = checked(target);
  const dir = t.controlDir ?? DEFAULT_CONTROL_DIR;
  const name = knownHostsName(t);
  const via = t.jump ? ` through ${t.jump.user}@${knownHostsName(t.jump)}` : "";
  const label = `${t.user}@${name}${via} (droplet ${t.dropletId})`;
  const firstContact = [
    ...COMMON,
    "StrictHostKeyChecking=accept-new",
    "GlobalKnownHostsFile=/dev/null",
    "HashKnownHosts=no",
    "CheckHostIP=no",
    "UpdateHostKeys=no",
    ...controlOptions(t, dir),
    ...jumpOptions(t, dir),
  ];
  const ssh = [
    "ssh",
    ...asArgs(firstContact).map(shQuote),
    "-o",
    '"UserKnownHostsFile=$kh"',
    ...portArgs(t),
    `${t.user}@${t.address}`,
    shQuote(remoteCommand),
  ].join(" ");
  return `set -u
umask 077
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
kh="$work/known_hosts"
: > "$kh"
# A re-run on the same droplet verifies against the pin already in state instead of re-pinning.
if [ -n "\${PULUMI_COMMAND_STDOUT:-}" ]; then printf '%s\\n' "$PULUMI_COMMAND_STDOUT" > "$kh"; fi
deadline=$(( $(date +%s) + ${timeoutSeconds} ))
attempt=0
while :; do
  attempt=$((attempt + 1))
  rc=0
  ${ssh} </dev/null >/dev/null 2>"$work/err" || rc=$?
  [ "$rc" -eq 0 ] && break
  if grep -q -e 'REMOTE HOST IDENTIFICATION HAS CHANGED' -e 'Host key verification failed' "$work/err"; then
    echo "titan: ${label}: host key verification failed (the host or its jump host does not show the pinned key); nothing was accepted:" >&2
    cat "$work/err" >&2
    exit 1
  fi
  if [ "$rc" -eq 3 ]; then
    echo "titan: ${label}: cloud-init finished but ${BOOTSTRAP_MARKER_PATH} is missing: a bootstrap step failed (see /var/log/cloud-init-output.log on the droplet)" >&2
    exit 1
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "titan: ${label}: no finished cloud-init after ${timeoutSeconds} s ($attempt ssh attempts, last exit $rc): $(tail -n 1 "$work/err" | tr -d '\\r')" >&2
    exit 1
  fi
  sleep ${WAIT_RETRY_SECONDS}
done
line=$(awk -v h=${shQuote(name)} '$1 == h { print; exit }' "$kh")
if [ -z "$line" ]; then echo "titan: ${label}: connected but no host key was recorded for ${name}" >&2; exit 1; fi
printf '%s\\n' "$line"
`;
}
