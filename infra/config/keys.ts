/**
 * Every `titan:*` stack config key, in one place. Pulumi.yaml declares the same keys; a test keeps the
 * two lists equal so a key cannot be added to one and forgotten in the other.
 */
export const CONFIG_NAMESPACE = "titan";

export const REQUIRED_SECRET_KEYS = ["bybitApiKey", "bybitSecretKey", "masterPassword"] as const;
export const OPTIONAL_SECRET_KEYS = [
  "binanceApiKey",
  "binanceSecretKey",
  "geminiApiKey",
  // Read-only exchange keys for the strategy services, never execution's trading keys.
  "bybitReadOnlyApiKey",
  "bybitReadOnlySecretKey",
  "binanceReadOnlyApiKey",
  "binanceReadOnlySecretKey",
  // `USER:TOKEN` for a private registry (ghcr.io): pulls and digest look-ups.
  "registryAuth",
  // Slack incoming-webhook URL for alerts and backup failures.
  "alertSlackWebhook",
] as const;
export const SECRET_KEYS = [...REQUIRED_SECRET_KEYS, ...OPTIONAL_SECRET_KEYS] as const;

export const PLAIN_KEYS = [
  "region",
  "topology",
  "vpcCidr",
  "sshAllowlist",
  "sshPublicKeys",
  "requireHardwareKeys",
  "domain",
  "acmeEmail",
  "acmeStaging",
  "manageDns",
  "sizes",
  "dataVolumeGb",
  "release",
  "images",
  "rotationEpoch",
  "backups",
  "deployUser",
  "benchReplicas",
  "services",
  "serviceImages",
  "consoleAllowlist",
  "backupSchedule",
  "backupRetention",
  "alertEmails",
  "alertSlackChannel",
] as const;
export type PlainKey = (typeof PLAIN_KEYS)[number];

export const ALL_KEYS: readonly string[] = [...PLAIN_KEYS, ...SECRET_KEYS];

/** Keys whose value is structured (a list or an object) and arrives from Pulumi as JSON text. */
export const STRUCTURED_KEYS: readonly PlainKey[] = [
  "sshAllowlist",
  "sshPublicKeys",
  "sizes",
  "images",
  "services",
  "serviceImages",
  "consoleAllowlist",
  "backupRetention",
  "alertEmails",
];

/** Keys whose value arrives as text but means a boolean or a number. */
export const BOOLEAN_KEYS: readonly PlainKey[] = [
  "requireHardwareKeys",
  "acmeStaging",
  "manageDns",
  "backups",
];
export const NUMBER_KEYS: readonly PlainKey[] = ["dataVolumeGb", "benchReplicas"];

/**
 * Titan services whose image Titan's CI does not publish (`.github/workflows/deploy-prod.yml` in
 * Titan): off unless listed in `titan:services`, and then only with an image in `titan:serviceImages`.
 */
export const OPTIONAL_SERVICES = ["titan-console-api"] as const;
export type OptionalService = (typeof OPTIONAL_SERVICES)[number];

/** Only stacks whose name starts with this may set `titan:benchReplicas` above 1. */
export const BENCH_STACK_PREFIX = "bench";
export const MAX_BENCH_REPLICAS = 100;
