import { SECRET_KEYS } from "./keys";

/** How to fix each key, as the operator would type it. */
const FIXES: Record<string, string> = {
  region: "pulumi config set titan:region fra1 (a DigitalOcean region slug)",
  topology: "pulumi config set titan:topology split (or single)",
  vpcCidr: "pulumi config set titan:vpcCidr 10.20.0.0/20 (RFC 1918, /16 to /24)",
  sshAllowlist:
    "pulumi config set --path 'titan:sshAllowlist[0]' 203.0.113.10/32 (your address, /24 or /48 at widest)",
  sshPublicKeys: "pulumi config set --path 'titan:sshPublicKeys[0]' \"$(cat ~/.ssh/id_ed25519_sk.pub)\"",
  requireHardwareKeys: "pulumi config set titan:requireHardwareKeys true (only sk-… keys) or false",
  domain: "pulumi config set titan:domain helm.example.com",
  acmeEmail: "pulumi config set titan:acmeEmail ops@example.com",
  acmeStaging: "pulumi config set titan:acmeStaging false",
  manageDns: "pulumi config set titan:manageDns true (the domain's zone is in DigitalOcean) or false",
  sizes: "pulumi config set --path titan:sizes.trading s-4vcpu-8gb (and edge, or single for topology single)",
  dataVolumeGb: "pulumi config set titan:dataVolumeGb 50 (10 to 16384)",
  release:
    "pulumi config set titan:release <full 40-hex commit SHA of the Titan release (git rev-parse HEAD)>",
  images: "pulumi config set --path titan:images.nats 2.10.26-alpine (a pinned tag, never latest)",
  rotationEpoch: "npm run rotate (or pulumi config set titan:rotationEpoch 2026-Q4)",
  backups: "pulumi config set titan:backups true",
  backupSchedule: "pulumi config set titan:backupSchedule '*-*-* 03:30:00 UTC' (systemd OnCalendar)",
  backupRetention:
    "pulumi config set --path titan:backupRetention.daily 7 (and weekly 4, monthly 6; positive whole numbers)",
  alertEmails: "pulumi config set --path 'titan:alertEmails[0]' ops@example.com (who receives the alerts)",
  alertSlackChannel: "pulumi config set titan:alertSlackChannel '#titan-alerts'",
  deployUser: "pulumi config set titan:deployUser titan (not root)",
  services:
    "pulumi config set --path 'titan:services[0]' titan-console-api (optional services), or pulumi config rm titan:services",
  serviceImages:
    "pulumi config set --path 'titan:serviceImages[\"titan-console-api\"]' ghcr.io/<you>/titan-console-api:<tag> (an image you built)",
  consoleAllowlist:
    "pulumi config set --path 'titan:consoleAllowlist[0]' 203.0.113.0/24 (who may open the console), or pulumi config rm titan:consoleAllowlist",
  benchReplicas:
    "pulumi config rm titan:benchReplicas (1 copy; more only on a stack named bench…, for npm run bench)",
};

export function fixFor(key: string): string {
  if ((SECRET_KEYS as readonly string[]).includes(key)) {
    return `pulumi config set --secret titan:${key} (reads the value from the prompt; never pass it in plain text)`;
  }
  return FIXES[key] ?? `remove titan:${key} with pulumi config rm titan:${key}`;
}
