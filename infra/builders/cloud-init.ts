// Host bootstrap as #cloud-config. It never carries a secret: DigitalOcean shows user data to
// anyone with the account token and to every process on the droplet (DESIGN.md §4). Changing the
// output replaces the droplet (DESIGN.md §5), so the output is deterministic for a given input.
//
// Docker comes from Ubuntu's archive (docker.io), not Docker's apt repository: the default
// unattended-upgrades origins (${distro}-security) then patch it with the rest of the host, and
// user data needs no third-party apt key.
import { stringify } from "yaml";
import { INTERNAL_PORTS } from "../model/ports";
import type { Role } from "../model/topology";
import {
  buildHostFirewallScript,
  buildHostFirewallUnit,
  FIREWALL_SCRIPT_PATH,
  FIREWALL_UNIT_NAME,
} from "./host-firewall";
import { buildSshdConfig, SSHD_DROP_IN_PATH } from "./sshd-config";
import { assertPath, assertPattern, HOSTNAME_PATTERN, UNIX_USER_PATTERN } from "./validate";

export interface DataVolumeInput {
  /**
   * A DigitalOcean volume name (the device becomes /dev/disk/by-id/scsi-0DO_Volume_<name>) or an
   * absolute device path.
   */
  deviceName: string;
  /** Default /mnt/titan-data. */
  mountPoint?: string;
  /** Default ext4. */
  filesystem?: "ext4" | "xfs";
}

export interface CloudInitInput {
  role: Role;
  deployUser: string;
  /** OpenSSH public keys ("ssh-ed25519 AAAA… comment"). */
  sshPublicKeys: readonly string[];
  /** Default INTERNAL_PORTS (infra/model/ports.ts). */
  internalPorts?: readonly number[];
  /** Default eth0 (DigitalOcean's public interface; eth1 is the VPC). */
  publicInterface?: string;
  /** Mounted on trading and single; refused on edge. */
  dataVolume?: DataVolumeInput;
  /** Default: on the roles that take SSH from the allow-listed internet (edge, single), off on trading. */
  fail2ban?: boolean;
  /** Default: Ubuntu's NTP pool plus time.cloudflare.com. */
  ntpServers?: readonly string[];
  /** One systemd slice per container on this host, bounding its process count (TasksMax). */
  processLimits?: readonly ProcessLimit[];
}

export const DEFAULT_NTP_SERVERS: readonly string[] = ["ntp.ubuntu.com", "time.cloudflare.com"];
export const DEFAULT_DATA_MOUNT_POINT = "/mnt/titan-data";
/** Written last; its presence means every earlier runcmd step succeeded. */
export const BOOTSTRAP_MARKER_PATH = "/var/lib/titan/bootstrap.done";
export const DATA_VOLUME_SCRIPT_PATH = "/usr/local/sbin/titan-data-volume";
/** Every runcmd step, fail closed, then the marker: the one runcmd entry. */
export const BOOTSTRAP_SCRIPT_PATH = "/usr/local/sbin/titan-bootstrap";
/** Subdirectories created on the data volume (bind-mounted into containers). */
export const DATA_VOLUME_SUBDIRS: readonly string[] = [
  "jetstream",
  "postgres",
  "redis",
  "execution",
  "brain",
  "ai-quant",
  "powerlaw-lab",
];
/**
 * Written by Titan's image user, uid 1001: execution-rs's redb state (PERSISTENCE_PATH), brain's
 * snapshots and dead letters, ai-quant's strategic memory, powerlaw-lab's state
 * (data/titan-runtime-writes.json).
 */
export const TITAN_UID = 1001;
export const TITAN_OWNED_SUBDIRS: readonly string[] = ["execution", "brain", "ai-quant", "powerlaw-lab"];

const PUBLIC_KEY_PATTERN =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\n\r]*)?$/;

export function doVolumeDevicePath(deviceName: string): string {
  if (deviceName.startsWith("/")) return assertPath("dataVolume.deviceName", deviceName);
  assertPattern("dataVolume.deviceName", deviceName, /^[a-z0-9][a-z0-9-]{0,63}$/);
  return `/dev/disk/by-id/scsi-0DO_Volume_${deviceName}`;
}

interface WriteFile {
  path: string;
  content: string;
  owner: string;
  permissions: string;
}

function file(path: string, content: string, permissions = "0644"): WriteFile {
  return { path, content, owner: "root:root", permissions };
}

function buildDataVolumeScript(device: string, mountPoint: string, fs: string): string {
  const dirs = DATA_VOLUME_SUBDIRS.map((d) => `'${mountPoint}/${d}'`).join(" ");
  return `#!/bin/sh
# Managed by the Titan Pulumi program (infra/builders/cloud-init.ts).
# The volume may be attached after first boot: wait for it, format only a blank device, mount.
set -eu
DEVICE='${device}'
MOUNT='${mountPoint}'
i=0
while [ ! -b "$DEVICE" ]; do
  i=$((i + 1))
  if [ "$i" -gt 300 ]; then echo "titan: data volume $DEVICE not attached" >&2; exit 1; fi
  sleep 1
done
if ! blkid -p "$DEVICE" >/dev/null 2>&1; then mkfs.${fs} -q "$DEVICE"; fi
mkdir -p "$MOUNT"
mountpoint -q "$MOUNT" || mount "$MOUNT"
mkdir -p ${dirs}
chown ${TITAN_UID}:${TITAN_UID} ${TITAN_OWNED_SUBDIRS.map((d) => `'${mountPoint}/${d}'`).join(" ")}
`;
}

const SAFE_WORD = /^[A-Za-z0-9@%+=:,./_-]+$/;

/**
 * The steps in order under `set -eu`, then the marker. TITAN_ROOT is empty on a droplet (cloud-init
 * never sets it); a test points it at a temporary root to run the real script.
 */
export function buildBootstrapScript(steps: readonly (readonly string[])[]): string {
  const lines = steps.map((step) => {
    for (const word of step) assertPattern("bootstrap step", word, SAFE_WORD);
    const [cmd, ...args] = step;
    const program = cmd?.startsWith("/") ? `"$ROOT"${cmd}` : cmd;
    return `echo "titan bootstrap: ${step.join(" ")}"\n${[program, ...args].join(" ")}`;
  });
  return `#!/bin/sh
# Managed by the Titan Pulumi program (infra/builders/cloud-init.ts).
# Any failing step stops here with its exit code, and the marker is not written.
set -eu
ROOT="\${TITAN_ROOT:-}"
${lines.join("\n")}
mkdir -p "$ROOT${BOOTSTRAP_MARKER_PATH.slice(0, BOOTSTRAP_MARKER_PATH.lastIndexOf("/"))}"
date -u +%FT%TZ > "$ROOT${BOOTSTRAP_MARKER_PATH}"
`;
}

// Docker's default json-file driver grows without bound; live-restore keeps trading running
// through a daemon upgrade by unattended-upgrades.
const dockerDaemonJson = {
  "log-driver": "json-file",
  "log-opts": { "max-size": "10m", "max-file": "5" },
  "live-restore": true,
  "no-new-privileges": true,
  // Containers are placed in per-service systemd slices (cgroup-parent), which needs this driver.
  "exec-opts": ["native.cgroupdriver=systemd"],
};

/** A per-container process limit: a systemd slice the container's cgroup lives under. */
export interface ProcessLimit {
  /** `titan-<service>.slice` */
  slice: string;
  tasksMax: number;
}
const SLICE_PATTERN = /^titan-[a-z0-9-]{1,48}\.slice$/;

function sliceUnit(limit: ProcessLimit): string {
  assertPattern("processLimits.slice", limit.slice, SLICE_PATTERN);
  if (!Number.isInteger(limit.tasksMax) || limit.tasksMax < 16 || limit.tasksMax > 65536) {
    throw new Error(`processLimits.tasksMax: ${limit.tasksMax} is not a whole number from 16 to 65536`);
  }
  return `[Unit]\nDescription=Titan container ${limit.slice}: process limit\n\n[Slice]\nTasksMax=${limit.tasksMax}\n`;
}

export function buildCloudInit(input: CloudInitInput): string {
  const user = assertPattern("deployUser", input.deployUser, UNIX_USER_PATTERN);
  if (input.sshPublicKeys.length === 0) throw new Error("sshPublicKeys: at least one key is required");
  for (const key of input.sshPublicKeys) {
    if (key.includes("PRIVATE KEY") || !PUBLIC_KEY_PATTERN.test(key.trim())) {
      throw new Error("sshPublicKeys: every entry must be one OpenSSH public key line");
    }
  }
  if (input.role === "edge" && input.dataVolume) throw new Error("dataVolume: the edge holds no data");
  const fail2ban = input.fail2ban ?? input.role !== "trading";
  const ntpServers = (input.ntpServers ?? DEFAULT_NTP_SERVERS).map((s) =>
    assertPattern("ntpServers", s, HOSTNAME_PATTERN),
  );
  if (ntpServers.length === 0) throw new Error("ntpServers: at least one server is required");

  const writeFiles: WriteFile[] = [
    file(SSHD_DROP_IN_PATH, buildSshdConfig({ deployUser: user, allowTcpForwarding: input.role === "edge" })),
    file(
      FIREWALL_SCRIPT_PATH,
      buildHostFirewallScript({
        publicInterface: input.publicInterface ?? "eth0",
        internalPorts: input.internalPorts ?? INTERNAL_PORTS,
      }),
      "0755",
    ),
    file(`/etc/systemd/system/${FIREWALL_UNIT_NAME}`, buildHostFirewallUnit()),
    file(
      "/etc/apt/apt.conf.d/20auto-upgrades",
      'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\nAPT::Periodic::AutocleanInterval "7";\n',
    ),
    file("/etc/docker/daemon.json", `${JSON.stringify(dockerDaemonJson, null, 2)}\n`),
    // Docker's API has no pids limit in @pulumi/docker: each container's slice caps its processes.
    ...(input.processLimits ?? []).map((limit) =>
      file(`/etc/systemd/system/${limit.slice}`, sliceUnit(limit)),
    ),
  ];
  if (fail2ban) {
    writeFiles.push(
      file(
        "/etc/fail2ban/jail.d/10-titan.local",
        "[sshd]\nenabled = true\nbackend = systemd\nmaxretry = 5\nfindtime = 10m\nbantime = 1h\n",
      ),
    );
  }

  const packages = [
    "docker.io",
    "chrony",
    "unattended-upgrades",
    "iptables",
    ...(fail2ban ? ["fail2ban"] : []),
  ];
  const steps: string[][] = [
    ["systemctl", "daemon-reload"],
    ["systemctl", "enable", "--now", "docker.service"],
    ["systemctl", "enable", "--now", FIREWALL_UNIT_NAME],
    ["systemctl", "enable", "--now", "chrony.service"],
    ["systemctl", "enable", "--now", "unattended-upgrades.service"],
    // Validate before restarting so a bad drop-in fails the bootstrap instead of locking us out.
    ["sshd", "-t"],
    ["systemctl", "try-restart", "ssh.service"],
  ];
  if (fail2ban) steps.push(["systemctl", "enable", "--now", "fail2ban.service"]);

  let mounts: string[][] | undefined;
  if (input.dataVolume) {
    const device = doVolumeDevicePath(input.dataVolume.deviceName);
    const mountPoint = assertPath(
      "dataVolume.mountPoint",
      input.dataVolume.mountPoint ?? DEFAULT_DATA_MOUNT_POINT,
    );
    const fs = input.dataVolume.filesystem ?? "ext4";
    // nofail: a missing volume must not drop the host into emergency mode on reboot.
    mounts = [
      [device, mountPoint, fs, "defaults,nofail,noatime,discard,x-systemd.device-timeout=120s", "0", "2"],
    ];
    writeFiles.push(file(DATA_VOLUME_SCRIPT_PATH, buildDataVolumeScript(device, mountPoint, fs), "0755"));
    steps.push([DATA_VOLUME_SCRIPT_PATH]);
  }
  // cloud-init runs runcmd with /bin/sh and no `set -e`: every step goes into one `set -eu`
  // script instead, so the marker is written only when every step before it succeeded.
  writeFiles.push(file(BOOTSTRAP_SCRIPT_PATH, buildBootstrapScript(steps), "0755"));
  const runcmd: string[][] = [[BOOTSTRAP_SCRIPT_PATH]];

  const config: Record<string, unknown> = {
    package_update: true,
    package_upgrade: true,
    packages,
    // The docker group exists before the deploy user is created (packages install later).
    groups: ["docker"],
    users: [
      {
        name: user,
        groups: ["docker"],
        shell: "/bin/bash",
        lock_passwd: true,
        ssh_authorized_keys: input.sshPublicKeys.map((k) => k.trim()),
      },
    ],
    // No "default" user entry: the image's ubuntu user is not created.
    disable_root: true,
    ssh_pwauth: false,
    ntp: { enabled: true, ntp_client: "chrony", servers: ntpServers },
    write_files: writeFiles,
    ...(mounts ? { mounts } : {}),
    runcmd,
    final_message: `titan ${input.role} bootstrap finished after $UPTIME s`,
  };
  return `#cloud-config\n${stringify(config, { lineWidth: 0 })}`;
}
