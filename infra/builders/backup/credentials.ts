// The root-only credentials file the backup script sources. It reaches the host only over SSH on
// stdin (backup-install.ts), never in user data, argv, a log or a stack output.
import { shellQuote } from "./backup-env";

export interface BackupCredentials {
  resticPassword: string;
  /** Spaces access key (S3 API); absent for a local repository. */
  accessKeyId?: string;
  secretAccessKey?: string;
  slack?: { url: string; channel: string };
}

export function buildCredentialsFile(c: BackupCredentials): string {
  if (c.resticPassword.length < 32) throw new Error("resticPassword: shorter than 32 characters");
  if (Boolean(c.accessKeyId) !== Boolean(c.secretAccessKey)) {
    throw new Error("accessKeyId and secretAccessKey must be given together");
  }
  const lines = [
    "# Managed by the Titan Pulumi program (infra/builders/backup/credentials.ts). root 0600.",
    `RESTIC_PASSWORD=${shellQuote(c.resticPassword)}`,
  ];
  if (c.accessKeyId && c.secretAccessKey) {
    lines.push(
      `AWS_ACCESS_KEY_ID=${shellQuote(c.accessKeyId)}`,
      `AWS_SECRET_ACCESS_KEY=${shellQuote(c.secretAccessKey)}`,
    );
  }
  if (c.slack) {
    if (!/^https:\/\/hooks\.slack\.com\/[A-Za-z0-9/_-]+$/.test(c.slack.url)) {
      throw new Error("slack.url: not an https://hooks.slack.com/… incoming-webhook URL");
    }
    if (!/^[#@]?[a-z0-9._-]{1,80}$/.test(c.slack.channel)) {
      throw new Error(`slack.channel: '${c.slack.channel}' is not a Slack channel name`);
    }
    lines.push(
      `SLACK_WEBHOOK_URL=${shellQuote(c.slack.url)}`,
      `SLACK_CHANNEL=${shellQuote(c.slack.channel)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
