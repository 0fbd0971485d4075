import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DEFAULT_BACKUP_RETENTION } from "../builders/backup/retention";
import { DEFAULT_BACKUP_SCHEDULE, onCalendarProblem } from "../builders/backup/schedule";
import { rolesOf, TOPOLOGIES } from "../model/topology";
import { MAX_BENCH_REPLICAS, OPTIONAL_SECRET_KEYS, OPTIONAL_SERVICES, REQUIRED_SECRET_KEYS } from "./keys";
import {
  canonicalCidr,
  hostBitsAreZero,
  isInsideRfc1918,
  overlaps,
  parseCidrOrHost,
  VPC_FORBIDDEN_OVERLAPS,
} from "./network-ranges";
import { parseSshPublicKey } from "./ssh-public-key";

/** DigitalOcean region slugs that offer VPCs, droplets, volumes and reserved IPs. */
export const REGIONS = [
  "nyc1",
  "nyc3",
  "sfo2",
  "sfo3",
  "ams3",
  "sgp1",
  "lon1",
  "fra1",
  "tor1",
  "blr1",
  "syd1",
  "atl1",
] as const;

/** The widest SSH source accepted: a /24 of IPv4 or a /48 of IPv6. */
export const SSH_WIDEST_PREFIX = { ipv4: 24, ipv6: 48 } as const;

const sizeSlug = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)+$/, "must be a DigitalOcean size slug such as 's-2vcpu-4gb'");

const pinnedTag = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be an image tag")
  .refine(
    (tag) => tag !== "latest" && /\d/.test(tag),
    "must be a pinned version such as '2.10.24-alpine', never 'latest'",
  );

type Cidr = ReturnType<typeof parseCidrOrHost>;

/**
 * An address or CIDR list entry, canonicalised; `tooWide` names why a parsed range is refused
 * (undefined: accepted). Host bits must be zero.
 */
const cidrListEntry = (tooWide: (cidr: Cidr, text: string) => string | undefined) =>
  z.string().transform((text, ctx) => {
    let cidr: Cidr;
    try {
      cidr = parseCidrOrHost(text);
    } catch {
      ctx.addIssue({ code: "custom", message: `'${text}' is not an IPv4/IPv6 address or CIDR` });
      return z.NEVER;
    }
    const wide = tooWide(cidr, text);
    if (wide !== undefined) {
      ctx.addIssue({ code: "custom", message: wide });
      return z.NEVER;
    }
    if (!hostBitsAreZero(cidr)) {
      ctx.addIssue({
        code: "custom",
        message: `'${text}' has host bits set; did you mean '${canonicalCidr(cidr)}'?`,
      });
      return z.NEVER;
    }
    return canonicalCidr(cidr);
  });

/** An SSH allow-list entry: a host or a small network (IPv4 /24, IPv6 /48 at widest). */
const cidrEntry = cidrListEntry(([addr, prefix], text) => {
  const widest = addr.kind() === "ipv4" ? SSH_WIDEST_PREFIX.ipv4 : SSH_WIDEST_PREFIX.ipv6;
  return prefix < widest
    ? `'${text}' is wider than /${widest}; list hosts or small networks (${addr.kind()} /${widest} or narrower)`
    : undefined;
});

/** A console allow-list entry: any address or network, but not the whole internet (leave it unset). */
const consoleCidrEntry = cidrListEntry(([, prefix], text) =>
  prefix === 0 ? `'${text}' allows everyone; leave titan:consoleAllowlist unset instead` : undefined,
);

/** `registry/repository:tag` or `registry/repository@sha256:…`, never `latest`. */
const imageReference = z
  .string()
  .regex(
    /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+(:[A-Za-z0-9][A-Za-z0-9._-]{0,127}|@sha256:[0-9a-f]{64})$/,
    "must be a full image reference such as 'ghcr.io/acme/titan-console-api:<tag>' or '…@sha256:<digest>'",
  )
  .refine((ref) => !ref.endsWith(":latest"), "must be pinned, never 'latest'");

const vpcCidr = z.string().superRefine((text, ctx) => {
  let cidr: ReturnType<typeof parseCidrOrHost>;
  try {
    cidr = parseCidrOrHost(text);
  } catch {
    ctx.addIssue({ code: "custom", message: `'${text}' is not a CIDR` });
    return;
  }
  if (!text.includes("/") || cidr[1] < 16 || cidr[1] > 24) {
    ctx.addIssue({ code: "custom", message: `'${text}' must have a prefix from /16 to /24` });
  } else if (!isInsideRfc1918(cidr)) {
    ctx.addIssue({
      code: "custom",
      message: `'${text}' is not inside RFC 1918 (10/8, 172.16/12, 192.168/16)`,
    });
  } else if (!hostBitsAreZero(cidr)) {
    ctx.addIssue({ code: "custom", message: `'${text}' has host bits set; use '${canonicalCidr(cidr)}'` });
  } else {
    const clash = VPC_FORBIDDEN_OVERLAPS.find((range) => overlaps(cidr, parseCidrOrHost(range)));
    if (clash) ctx.addIssue({ code: "custom", message: `'${text}' overlaps reserved range ${clash}` });
  }
});

const sshKeyEntry = z.string().superRefine((line, ctx) => {
  try {
    parseSshPublicKey(line);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: `not a valid OpenSSH public key: ${(err as Error).message}` });
  }
});

// Secrets leave validation as pulumi.Output<string> marked secret: no code after this file holds
// one as a plain string, and the compiler refuses one where a string is expected.
const seal = (value: string): pulumi.Output<string> => pulumi.secret(value);
/** A secret: non-empty after trimming. Its value never appears in a message. */
const nonBlank = z.string().refine((v) => v.trim().length > 0, "is empty");
const requiredSecret = nonBlank.transform(seal);
/** Optional: blank means not configured (undefined), decided here once. */
const optionalSecret = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : seal(v)));
/** `USER:TOKEN` for ghcr.io: the user name is not secret, the token is. */
const registryAuth = z
  .string()
  .refine((v) => /^[^:\s]+:\S+$/.test(v), "must be USER:TOKEN (a registry user and a read-only token)")
  .transform((v) => ({ username: v.slice(0, v.indexOf(":")), password: seal(v.slice(v.indexOf(":") + 1)) }))
  .optional();

/** Every operator secret from the one key list (keys.ts), with the stricter checks some need. */
const secretFields = {
  ...(Object.fromEntries(REQUIRED_SECRET_KEYS.map((k) => [k, requiredSecret])) as Record<
    (typeof REQUIRED_SECRET_KEYS)[number],
    typeof requiredSecret
  >),
  ...(Object.fromEntries(OPTIONAL_SECRET_KEYS.map((k) => [k, optionalSecret])) as Record<
    (typeof OPTIONAL_SECRET_KEYS)[number],
    typeof optionalSecret
  >),
  masterPassword: nonBlank.refine((v) => v.length >= 16, "is shorter than 16 characters").transform(seal),
  registryAuth,
  alertSlackWebhook: z
    .string()
    .regex(
      /^https:\/\/hooks\.slack\.com\/[A-Za-z0-9/_-]+$/,
      "must be a Slack incoming-webhook URL (https://hooks.slack.com/…)",
    )
    .transform(seal)
    .optional(),
};

/** Secrets that only make sense together: the second is refused when only one is set. */
const SECRET_PAIRS = [
  ["binanceApiKey", "binanceSecretKey"],
  ["bybitReadOnlyApiKey", "bybitReadOnlySecretKey"],
  ["binanceReadOnlyApiKey", "binanceReadOnlySecretKey"],
] as const;

export const ImagesSchema = z
  .object({
    traefik: pinnedTag.default("v3.3.5"),
    nats: pinnedTag.default("2.10.26-alpine"),
    postgres: pinnedTag.default("16.8-alpine"),
    redis: pinnedTag.default("7.4.2-alpine"),
    nginx: pinnedTag.default("1.27.4-alpine"),
  })
  .strict();

export const TitanConfigSchema = z
  .object({
    region: z.enum(REGIONS),
    topology: z.enum(TOPOLOGIES),
    vpcCidr,
    sshAllowlist: z.array(cidrEntry).min(1, "must list at least one operator address"),
    sshPublicKeys: z.array(sshKeyEntry).min(1, "must list at least one OpenSSH public key"),
    requireHardwareKeys: z.boolean().default(false),
    domain: z
      .string()
      .regex(
        /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
        "must be a lower-case DNS name",
      ),
    acmeEmail: z.email("must be an e-mail address for Let's Encrypt notices"),
    acmeStaging: z.boolean().default(false),
    manageDns: z.boolean().default(false),
    sizes: z
      .object({ edge: sizeSlug.optional(), trading: sizeSlug.optional(), single: sizeSlug.optional() })
      .strict(),
    dataVolumeGb: z.number().int("must be a whole number").min(10).max(16384),
    release: z
      .string()
      .regex(
        /^[0-9a-f]{40}$/,
        "must be the full 40-character commit SHA the Titan images were tagged with (Titan's CI tags type=sha,format=long)",
      ),
    images: ImagesSchema.default(ImagesSchema.parse({})),
    rotationEpoch: z.string().regex(/^\d{4}-Q[1-4]$/, "must look like '2026-Q4'"),
    backups: z.boolean(),
    /** systemd OnCalendar of the daily off-host backup (infra/builders/backup/schedule.ts). */
    backupSchedule: z
      .string()
      .superRefine((text, ctx) => {
        const problem = onCalendarProblem(text);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .default(DEFAULT_BACKUP_SCHEDULE),
    backupRetention: z
      .object({
        daily: z.number().int("must be a whole number").min(1),
        weekly: z.number().int("must be a whole number").min(1),
        monthly: z.number().int("must be a whole number").min(1),
      })
      .strict()
      .default(DEFAULT_BACKUP_RETENTION),
    /** Where alerts go; required on the prod stack (parse.ts assertAlertsConfigured). */
    alertEmails: z.array(z.email("must be an e-mail address")).default([]),
    alertSlackChannel: z
      .string()
      .regex(/^#?[a-z0-9._-]{1,80}$/, "must be a Slack channel such as #titan-alerts")
      .default("#titan-alerts"),
    deployUser: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]{0,30}$/, "must be a Linux user name")
      .refine((u) => u !== "root", "must not be root")
      .default("titan"),
    /** Copies of the whole topology, for the benchmark's synthetic stacks only (see parse.ts). */
    benchReplicas: z.number().int("must be a whole number").min(1).max(MAX_BENCH_REPLICAS).default(1),
    ...secretFields,
    /** Optional services to deploy (Titan publishes no image for them). */
    services: z.array(z.enum(OPTIONAL_SERVICES)).default([]),
    /** Images for the optional services, built by the operator. */
    serviceImages: z.partialRecord(z.enum(OPTIONAL_SERVICES), imageReference).default({}),
    /** Who may open the console (Traefik IP allow-list); unset: anyone, behind the console's login. */
    consoleAllowlist: z
      .array(consoleCidrEntry)
      .min(1, "must list at least one address, or be unset")
      .optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    for (const role of rolesOf(cfg.topology)) {
      if (!cfg.sizes[role]) {
        ctx.addIssue({ code: "custom", path: ["sizes"], message: `has no size for role '${role}'` });
      }
    }
    if (cfg.requireHardwareKeys) {
      cfg.sshPublicKeys.forEach((line, i) => {
        const parsed = safeParseKey(line);
        if (parsed && !parsed.hardwareBacked) {
          ctx.addIssue({
            code: "custom",
            path: ["sshPublicKeys", i],
            message: `is a '${parsed.type}' key but requireHardwareKeys is true (only sk-… keys)`,
          });
        }
      });
    }
    for (const [first, second] of SECRET_PAIRS) {
      if ((cfg[first] === undefined) !== (cfg[second] === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: [cfg[first] === undefined ? first : second],
          message: `${first} and ${second} must be set together`,
        });
      }
    }
    for (const service of cfg.services) {
      if (!cfg.serviceImages[service]) {
        ctx.addIssue({
          code: "custom",
          path: ["serviceImages", service],
          message: `is required: ${service} is listed in titan:services but Titan's CI publishes no image for it`,
        });
      }
    }
  });

function safeParseKey(line: string) {
  try {
    return parseSshPublicKey(line);
  } catch {
    return undefined;
  }
}

export type TitanConfig = z.infer<typeof TitanConfigSchema>;
