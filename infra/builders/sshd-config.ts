// sshd drop-in for /etc/ssh/sshd_config.d/. sshd keeps the FIRST value it reads for most keywords
// and Ubuntu's sshd_config includes sshd_config.d/*.conf at its top, so a "10-" file wins over
// cloud-init's own 50-cloud-init.conf (which may set PasswordAuthentication yes).
import { assertPattern, UNIX_USER_PATTERN } from "./validate";

export interface SshdConfigInput {
  /** The only account allowed to log in (the non-root deploy user). */
  deployUser: string;
  /**
   * The edge is the SSH bastion for trading (ssh -J uses a direct-tcpip channel), so it needs
   * local TCP forwarding; trading does not.
   */
  allowTcpForwarding?: boolean;
}

/** Above the Docker calls Pulumi makes to one host at once: each is a session on the one connection. */
export const MAX_SESSIONS = 64;

export const SSHD_DROP_IN_PATH = "/etc/ssh/sshd_config.d/10-titan.conf";

export function buildSshdConfig(input: SshdConfigInput): string {
  const user = assertPattern("deployUser", input.deployUser, UNIX_USER_PATTERN);
  if (user === "root") throw new Error("deployUser: root may not be the deploy user");
  const settings: ReadonlyArray<readonly [string, string]> = [
    ["PubkeyAuthentication", "yes"],
    ["AuthenticationMethods", "publickey"],
    ["PasswordAuthentication", "no"],
    ["KbdInteractiveAuthentication", "no"],
    ["PermitEmptyPasswords", "no"],
    ["HostbasedAuthentication", "no"],
    // DigitalOcean copies the account's SSH keys into /root/.ssh/authorized_keys; root is refused
    // here and by DenyUsers, whatever keys that file holds.
    ["PermitRootLogin", "no"],
    ["AllowUsers", user],
    ["DenyUsers", "root"],
    // Only the per-user file: no ~/.ssh/authorized_keys2 from old images.
    ["AuthorizedKeysFile", ".ssh/authorized_keys"],
    // biome-ignore lint/security/noSecrets: an sshd keyword, not a secret
    ["MaxAuthTries", "3"],
    // Pulumi multiplexes every Docker call to a host over one connection (ControlMaster, so one
    // security-key touch per host): each call is a session on it, and a refused session fails
    // the call. Unauthenticated connections stay bounded by MaxStartups (one per host now).
    ["MaxSessions", String(MAX_SESSIONS)],
    ["MaxStartups", "10:30:60"],
    ["LoginGraceTime", "30"],
    ["ClientAliveInterval", "300"],
    ["ClientAliveCountMax", "2"],
    ["X11Forwarding", "no"],
    ["AllowAgentForwarding", "no"],
    ["AllowTcpForwarding", input.allowTcpForwarding ? "local" : "no"],
    ["AllowStreamLocalForwarding", "no"],
    ["GatewayPorts", "no"],
    ["PermitTunnel", "no"],
    ["PermitUserEnvironment", "no"],
    ["LogLevel", "VERBOSE"],
    // biome-ignore lint/security/noSecrets: algorithm names, not a secret
    ["KexAlgorithms", "sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org"],
    ["Ciphers", "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com"],
    ["MACs", "hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com"],
  ];
  const lines = settings.map(([key, value]) => `${key} ${value}`);
  return ["# Managed by the Titan Pulumi program (infra/builders/sshd-config.ts).", ...lines, ""].join("\n");
}
