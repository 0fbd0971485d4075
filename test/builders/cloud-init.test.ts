import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  BOOTSTRAP_MARKER_PATH,
  BOOTSTRAP_SCRIPT_PATH,
  buildCloudInit,
  type CloudInitInput,
  DATA_VOLUME_SCRIPT_PATH,
  doVolumeDevicePath,
  TITAN_UID,
} from "../../infra/builders/cloud-init";
import { FIREWALL_SCRIPT_PATH } from "../../infra/builders/host-firewall";
import { SSHD_DROP_IN_PATH } from "../../infra/builders/sshd-config";
import { SERVICES } from "../../infra/model/services";
import { findProgram, haveProgram, makeTempDir } from "./real-tool";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake operator@test";

function input(overrides: Partial<CloudInitInput> = {}): CloudInitInput {
  return { role: "trading", deployUser: "titan", sshPublicKeys: [KEY], ...overrides };
}

interface WriteFileEntry {
  path: string;
  content: string;
  permissions: string;
}
interface Parsed {
  packages: string[];
  users: Array<{ name: string; groups: string[]; ssh_authorized_keys: string[]; lock_passwd: boolean }>;
  write_files: WriteFileEntry[];
  runcmd: string[][];
  mounts?: string[][];
  ntp: { enabled: boolean; ntp_client: string; servers: string[] };
  disable_root: boolean;
  ssh_pwauth: boolean;
}

function parsed(text: string): Parsed {
  expect(text.startsWith("#cloud-config\n")).toBe(true);
  return parse(text) as Parsed;
}

function fileAt(p: Parsed, path: string): WriteFileEntry {
  const f = p.write_files.find((w) => w.path === path);
  if (!f) throw new Error(`no write_files entry for ${path}`);
  return f;
}

const ROLES = ["edge", "trading", "single"] as const;

describe("buildCloudInit", () => {
  it.each(ROLES)("%s: docker, deploy user, chrony, upgrades, firewall, sshd drop-in, marker", (role) => {
    const p = parsed(buildCloudInit(input({ role })));
    expect(p.packages).toEqual(expect.arrayContaining(["docker.io", "chrony", "unattended-upgrades"]));
    expect(p.users).toHaveLength(1);
    expect(p.users[0]).toMatchObject({
      name: "titan",
      groups: ["docker"],
      lock_passwd: true,
      ssh_authorized_keys: [KEY],
    });
    expect(p.disable_root).toBe(true);
    expect(p.ssh_pwauth).toBe(false);
    expect(p.ntp).toMatchObject({ enabled: true, ntp_client: "chrony" });
    expect(p.ntp.servers.length).toBeGreaterThan(0);
    expect(fileAt(p, "/etc/apt/apt.conf.d/20auto-upgrades").content).toContain('Unattended-Upgrade "1"');
    expect(fileAt(p, SSHD_DROP_IN_PATH).content).toContain("PermitRootLogin no");
    expect(p.runcmd).toEqual([[BOOTSTRAP_SCRIPT_PATH]]);
    const script = fileAt(p, BOOTSTRAP_SCRIPT_PATH).content;
    expect(script).toMatch(/^set -eu$/m);
    expect(script.trimEnd().split("\n").at(-1)).toBe(`date -u +%FT%TZ > "$ROOT${BOOTSTRAP_MARKER_PATH}"`);
    expect(script).toMatch(/^systemctl enable --now titan-public-fw.service$/m);
  });

  it("fail2ban by default where SSH comes from the internet (edge, single), not on trading; can be forced", () => {
    expect(parsed(buildCloudInit(input({ role: "edge" }))).packages).toContain("fail2ban");
    expect(parsed(buildCloudInit(input({ role: "single" }))).packages).toContain("fail2ban");
    expect(parsed(buildCloudInit(input({ role: "trading" }))).packages).not.toContain("fail2ban");
    expect(parsed(buildCloudInit(input({ role: "trading", fail2ban: true }))).packages).toContain("fail2ban");
    expect(parsed(buildCloudInit(input({ role: "single", fail2ban: false }))).packages).not.toContain(
      "fail2ban",
    );
  });

  it("drops every internal port on the public interface for IPv4 and IPv6", () => {
    const script = fileAt(parsed(buildCloudInit(input())), FIREWALL_SCRIPT_PATH).content;
    expect(script).toContain("PORTS='3100 3002 4222 8222 5432 6379'");
    // biome-ignore lint/security/noSecrets: an interface name, not a secret
    expect(script).toContain("IFACE='eth0'");
    expect(script).toContain("for ipt in iptables ip6tables");
    expect(script).toMatch(/-I "\$parent" 1 -i "\$IFACE"/);
    const custom = fileAt(
      parsed(buildCloudInit(input({ publicInterface: "ens3", internalPorts: [3100] }))),
      FIREWALL_SCRIPT_PATH,
    ).content;
    // biome-ignore lint/security/noSecrets: a port list, not a secret
    expect(custom).toContain("PORTS='3100'");
    // biome-ignore lint/security/noSecrets: an interface name, not a secret
    expect(custom).toContain("IFACE='ens3'");
  });

  it("the firewall script is valid sh", () => {
    const { dir, cleanup } = makeTempDir("fw");
    try {
      const f = join(dir, "fw.sh");
      writeFileSync(f, fileAt(parsed(buildCloudInit(input())), FIREWALL_SCRIPT_PATH).content);
      expect(spawnSync("sh", ["-n", f]).status).toBe(0);
    } finally {
      cleanup();
    }
  });

  it("mounts the DigitalOcean data volume with nofail on trading", () => {
    const p = parsed(buildCloudInit(input({ dataVolume: { deviceName: "titan-prod-data" } })));
    const device = "/dev/disk/by-id/scsi-0DO_Volume_titan-prod-data";
    expect(p.mounts).toEqual([
      [device, "/mnt/titan-data", "ext4", expect.stringContaining("nofail"), "0", "2"],
    ]);
    expect(fileAt(p, DATA_VOLUME_SCRIPT_PATH).content).toContain(`DEVICE='${device}'`);
    expect(fileAt(p, BOOTSTRAP_SCRIPT_PATH).content).toMatch(
      /^"\$ROOT"\/usr\/local\/sbin\/titan-data-volume$/m,
    );
    expect(doVolumeDevicePath("/dev/sdb")).toBe("/dev/sdb");
    expect(() => buildCloudInit(input({ role: "edge", dataVolume: { deviceName: "x" } }))).toThrow(/edge/);
  });

  it("creates every data-volume bind source of the service table, uid 1001 for Titan's image user", () => {
    const script = fileAt(
      parsed(buildCloudInit(input({ dataVolume: { deviceName: "titan-prod-data" } }))),
      DATA_VOLUME_SCRIPT_PATH,
    ).content;
    const mkdir = script.split("\n").find((l) => l.startsWith("mkdir -p '")) ?? "";
    const chown = script.split("\n").find((l) => l.startsWith(`chown ${TITAN_UID}:${TITAN_UID} `)) ?? "";
    for (const spec of SERVICES) {
      for (const m of spec.dataMounts) {
        expect(mkdir, `${spec.name}: ${m.hostPath}`).toContain(`'${m.hostPath}'`);
        // Titan's images write as uid 1001 (execution, brain, ai-quant, powerlaw-lab).
        if (spec.image.kind === "titan")
          expect(chown, `${spec.name}: ${m.hostPath}`).toContain(`'${m.hostPath}'`);
        else expect(chown).not.toContain(`'${m.hostPath}'`);
      }
    }
    expect(chown).toContain("'/mnt/titan-data/brain'");
  });

  it("rejects unsafe input", () => {
    expect(() => buildCloudInit(input({ deployUser: "root" }))).toThrow();
    expect(() => buildCloudInit(input({ deployUser: "ti tan" }))).toThrow();
    expect(() => buildCloudInit(input({ sshPublicKeys: [] }))).toThrow();
    expect(() =>
      buildCloudInit(input({ sshPublicKeys: [`-----BEGIN OPENSSH ${"PRIVATE"} KEY-----`] })),
    ).toThrow();
    expect(() => buildCloudInit(input({ sshPublicKeys: [`${KEY}\nssh-rsa AAAA`] }))).toThrow();
    expect(() => buildCloudInit(input({ publicInterface: "eth0; reboot" }))).toThrow();
    expect(() => buildCloudInit(input({ internalPorts: [70000] }))).toThrow();
    expect(() => buildCloudInit(input({ ntpServers: ["pool.ntp.org\nx"] }))).toThrow();
    expect(() => buildCloudInit(input({ dataVolume: { deviceName: "x'; rm -rf /" } }))).toThrow();
  });

  it("contains nothing secret-like", () => {
    for (const role of ROLES) {
      const text = buildCloudInit(
        input({ role, dataVolume: role === "edge" ? undefined : { deviceName: "d" } }),
      );
      expect(text).not.toMatch(/PRIVATE KEY/);
      expect(text).not.toMatch(/\$2[aby]\$\d\d\$/); // bcrypt hash
      expect(text).not.toMatch(/(password|secret|token|api[_-]?key)\s*[:=]\s*\S/i);
      expect(text).not.toMatch(/\b(HMAC|JWT|BYBIT|BINANCE|GEMINI|REDIS|POSTGRES)_/);
    }
  });

  it("uses only top-level keys cloud-init knows (22.4's schema lets unknown keys pass)", () => {
    const known = new Set([
      "package_update",
      "package_upgrade",
      "packages",
      "groups",
      "users",
      "disable_root",
      "ssh_pwauth",
      "ntp",
      "write_files",
      "mounts",
      "runcmd",
      "final_message",
    ]);
    for (const role of ROLES) {
      const p = parse(
        buildCloudInit(
          input({
            role,
            dataVolume: role === "edge" ? undefined : { deviceName: "d" },
            processLimits: [{ slice: "titan-nats.slice", tasksMax: 256 }],
          }),
        ),
      );
      for (const key of Object.keys(p as object)) expect(known.has(key), key).toBe(true);
    }
  });

  it("writes one systemd slice per container with its process limit, and uses the systemd cgroup driver", () => {
    const p = parsed(
      buildCloudInit(input({ processLimits: [{ slice: "titan-redis.slice", tasksMax: 128 }] })),
    );
    expect(fileAt(p, "/etc/systemd/system/titan-redis.slice").content).toMatch(/^\[Slice\]\nTasksMax=128$/m);
    expect(JSON.parse(fileAt(p, "/etc/docker/daemon.json").content)["exec-opts"]).toEqual([
      "native.cgroupdriver=systemd",
    ]);
    expect(fileAt(p, BOOTSTRAP_SCRIPT_PATH).content).toMatch(
      /^set -eu\nROOT="\$\{TITAN_ROOT:-\}"\necho "titan bootstrap: systemctl daemon-reload"\nsystemctl daemon-reload$/m,
    );
  });

  it.each([
    [{ slice: "../etc/passwd", tasksMax: 128 }, /processLimits.slice/],
    [{ slice: "redis.slice", tasksMax: 128 }, /processLimits.slice/],
    [{ slice: "titan-redis.slice", tasksMax: 0 }, /tasksMax/],
    [{ slice: "titan-redis.slice", tasksMax: 1.5 }, /tasksMax/],
  ])("refuses a bad process limit %o", (limit, message) => {
    expect(() => buildCloudInit(input({ processLimits: [limit] }))).toThrow(message);
  });

  it("is deterministic (a change of user data replaces the droplet)", () => {
    expect(buildCloudInit(input())).toBe(buildCloudInit(input()));
  });
});

describe("real tools", () => {
  it.each(ROLES)("cloud-init schema accepts the %s config", (role) => {
    if (!haveProgram("cloud-init", "cloud-init")) return;
    const { dir, cleanup } = makeTempDir("ci");
    try {
      const f = join(dir, "user-data.yaml");
      writeFileSync(
        f,
        buildCloudInit(
          input({
            role,
            dataVolume: role === "edge" ? undefined : { deviceName: "d" },
            processLimits: [{ slice: "titan-nats.slice", tasksMax: 256 }],
          }),
        ),
      );
      const r = spawnSync(findProgram("cloud-init") ?? "cloud-init", ["schema", "--config-file", f], {
        encoding: "utf8",
      });
      expect(`${r.stdout}${r.stderr}`).toMatch(/Valid cloud-config/);
      expect(r.status).toBe(0);
    } finally {
      cleanup();
    }
  });

  it("cloud-init schema rejects a broken config (the check can fail)", () => {
    if (!haveProgram("cloud-init", "cloud-init")) return;
    const { dir, cleanup } = makeTempDir("ci");
    try {
      const f = join(dir, "user-data.yaml");
      const broken = buildCloudInit(input()).replace("ssh_pwauth: false", "ssh_pwauth: [1]");
      writeFileSync(f, broken.replace("package_update: true", "package_update: maybe-later"));
      const r = spawnSync(findProgram("cloud-init") ?? "cloud-init", ["schema", "--config-file", f]);
      expect(r.status).not.toBe(0);
    } finally {
      cleanup();
    }
  });

  it.each([true, false])("sshd -t accepts the drop-in (tcp forwarding for bastion: %s)", (edge) => {
    if (!haveProgram("sshd", "openssh-server") || !haveProgram("ssh-keygen", "openssh-client")) return;
    const { dir, cleanup } = makeTempDir("sshd");
    try {
      mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
      const hostKey = join(dir, "ssh_host_ed25519_key");
      execFileSync(findProgram("ssh-keygen") ?? "ssh-keygen", [
        "-q",
        "-t",
        "ed25519",
        "-N",
        "",
        "-f",
        hostKey,
      ]);
      const p = parsed(buildCloudInit(input({ role: edge ? "edge" : "trading" })));
      const dropIn = join(dir, "10-titan.conf");
      writeFileSync(dropIn, fileAt(p, SSHD_DROP_IN_PATH).content);
      const main = join(dir, "sshd_config");
      // Same shape as Ubuntu's sshd_config: the drop-in directory is included first.
      writeFileSync(
        main,
        `Include ${dropIn}\nHostKey ${hostKey}\nUsePAM yes\nSubsystem sftp internal-sftp\n`,
      );
      const sshd = findProgram("sshd") ?? "sshd";
      const check = spawnSync(sshd, ["-t", "-f", main], { encoding: "utf8" });
      expect(check.stderr).toBe("");
      expect(check.status).toBe(0);
      // -T prints the effective configuration: the hardening really applies.
      const eff = execFileSync(sshd, ["-T", "-f", main, "-C", "user=titan,host=h,addr=192.0.2.1"], {
        encoding: "utf8",
      });
      for (const line of [
        "passwordauthentication no",
        "kbdinteractiveauthentication no",
        "permitrootlogin no",
        "pubkeyauthentication yes",
        "allowusers titan",
        "x11forwarding no",
        `allowtcpforwarding ${edge ? "local" : "no"}`,
      ]) {
        expect(eff.split("\n")).toContain(line);
      }
      // And it can fail: an unknown keyword is rejected.
      writeFileSync(dropIn, "PasswordAuthentication maybe\n");
      expect(spawnSync(sshd, ["-t", "-f", main]).status).not.toBe(0);
    } finally {
      cleanup();
    }
  });
});

// The generated runcmd run by the real /bin/sh in a temporary root: every program a step calls is a
// stub on PATH (or under the root, for absolute paths) that records its call; one may fail.
describe("bootstrap runcmd under the real /bin/sh", () => {
  const cloudInit = parsed(
    buildCloudInit(input({ role: "single", dataVolume: { deviceName: "titan-single-data" } })),
  );
  const script = fileAt(cloudInit, BOOTSTRAP_SCRIPT_PATH).content;

  function runBootstrap(failing?: string) {
    const { dir, cleanup } = makeTempDir("titan-bootstrap");
    try {
      const bin = join(dir, "stub-bin");
      mkdirSync(bin);
      const log = join(dir, "calls.log");
      const stub = (path: string, name: string) => {
        const fail = name === failing ? "exit 7" : "exit 0";
        writeFileSync(path, `#!/bin/sh\necho "${name} $*" >> '${log}'\n${fail}\n`, { mode: 0o755 });
      };
      for (const name of ["systemctl", "sshd"]) stub(join(bin, name), name);
      mkdirSync(join(dir, "usr/local/sbin"), { recursive: true });
      stub(join(dir, DATA_VOLUME_SCRIPT_PATH), "titan-data-volume");
      const scriptPath = join(dir, "titan-bootstrap");
      writeFileSync(scriptPath, script, { mode: 0o755 });
      // cloud-init runs each runcmd entry with /bin/sh: so does this.
      const [entry] = cloudInit.runcmd;
      expect(entry).toEqual([BOOTSTRAP_SCRIPT_PATH]);
      const run = spawnSync("/bin/sh", [scriptPath], {
        env: { PATH: `${bin}:/usr/bin:/bin`, TITAN_ROOT: dir },
        encoding: "utf8",
      });
      const calls = spawnSync("cat", [log], { encoding: "utf8" }).stdout.trim().split("\n");
      const marker = spawnSync("test", ["-f", join(dir, BOOTSTRAP_MARKER_PATH)]).status === 0;
      return { status: run.status, calls, marker };
    } finally {
      cleanup();
    }
  }

  it("writes the marker after every step succeeded", () => {
    const r = runBootstrap();
    expect(r.status).toBe(0);
    expect(r.marker).toBe(true);
    expect(r.calls.at(-1)).toBe("titan-data-volume");
    expect(r.calls).toContain("sshd -t");
  });

  it("writes no marker when the data-volume step fails, and stops there", () => {
    const r = runBootstrap("titan-data-volume");
    expect(r.status).toBe(7);
    expect(r.marker).toBe(false);
    expect(r.calls.at(-1)).toBe("titan-data-volume");
  });

  it("stops at a failing sshd -t: no restart with a bad drop-in, no marker", () => {
    const r = runBootstrap("sshd");
    expect(r.status).toBe(7);
    expect(r.marker).toBe(false);
    expect(r.calls.at(-1)).toBe("sshd -t");
    expect(r.calls).not.toContain("systemctl try-restart ssh.service");
  });
});
