import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { stringList, withDefaults } from "../lib/config";
import { resourceLabel } from "../lib/firewall";
import { asArray, asText } from "../lib/props";

export const CDN_TYPE = "digitalocean:index/cdn:Cdn";
const SPACES_BUCKET_TYPE = "digitalocean:index/spacesBucket:SpacesBucket";

interface Config {
  backupParentTypes: string[];
}

const DEFAULTS: Config = { backupParentTypes: ["titan:infra:Backup"] };

/** `<bucket>.<region>.digitaloceanspaces.com` (a bucket's origin endpoint), scheme and path tolerated. */
function parseOrigin(origin: string): { bucket: string; region: string } | undefined {
  const host = origin
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/\/.*$/, "");
  const match = /^([a-z0-9-]+)\.([a-z0-9]+)\.digitaloceanspaces\.com$/.exec(host);
  return match ? { bucket: match[1] as string, region: match[2] as string } : undefined;
}

/** Component types a resource sits under, from its URN's type chain (`parent$child$type`). */
function parentTypes(urn: string): string[] {
  return (urn.split("::")[2] ?? "").split("$").slice(0, -1);
}

/** Why a bucket is the stack's backup bucket, or undefined. */
function backupReason(bucket: PolicyResource, config: Config): string | undefined {
  const name = asText(bucket.props.name) ?? "";
  const parent = parentTypes(bucket.urn).find((t) => config.backupParentTypes.includes(t));
  if (parent) return `it belongs to the backup component (${parent})`;
  if (/backup/i.test(name) || /backup/i.test(bucket.name)) return "its name says it holds backups";
  return undefined;
}

/** The buckets the engine records the CDN's origin as coming from (property dependency first). */
function originDependencies(cdn: PolicyResource): PolicyResource[] {
  const byProperty = asArray(cdn.propertyDependencies?.origin) as PolicyResource[];
  const via = byProperty.length > 0 ? byProperty : (cdn.dependencies ?? []);
  return via.filter((r) => r.type === SPACES_BUCKET_TYPE);
}

function judgeCdn(
  cdn: PolicyResource,
  buckets: PolicyResource[],
  config: Config,
  report: (m: string) => void,
) {
  const label = `CDN ${resourceLabel(cdn.name, cdn.urn)}`;
  const origin = asText(cdn.props.origin) ?? "";
  const parsed = parseOrigin(origin);
  const named = parsed
    ? buckets.filter(
        (b) =>
          asText(b.props.name) === parsed.bucket &&
          [undefined, parsed.region].includes(asText(b.props.region)?.toLowerCase()),
      )
    : [];
  if (named.length === 0)
    report(
      `${label} has origin '${origin}', which is not the endpoint of a Spaces bucket of this stack (<bucket>.<region>.digitaloceanspaces.com), so the pack cannot tell what it publishes (fail closed). Fix: set origin to a bucket of this stack (bucket.bucketDomainName), never another host.`,
    );
  for (const bucket of new Set([...named, ...originDependencies(cdn)])) {
    const reason = backupReason(bucket, config);
    if (reason)
      report(
        `${label} publishes bucket ${resourceLabel(bucket.name, bucket.urn)}, the stack's backup bucket (${reason}). Fix: never put a CDN in front of the backups; serve public assets from a bucket of their own.`,
      );
  }
  if (
    asText(cdn.props.customDomain) &&
    !asText(cdn.props.certificateName) &&
    !asText(cdn.props.certificateId)
  )
    report(
      `${label} serves custom domain '${asText(cdn.props.customDomain)}' without a certificate. Fix: set certificateName to a DigitalOcean certificate for that domain.`,
    );
}

export const cdnOriginSafe: StackValidationPolicy = {
  name: "cdn-origin-safe",
  description:
    "A CDN serves only a Spaces bucket of this stack that is not the backup bucket, and a custom domain only with a certificate.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: {
      backupParentTypes: stringList(
        "Component types whose Spaces buckets hold backups (matched in the bucket's URN).",
        DEFAULTS.backupParentTypes,
      ),
    },
  },
  validateStack: (args, reportViolation) => {
    const config = withDefaults(DEFAULTS, args.getConfig());
    const buckets = args.resources.filter((r) => r.type === SPACES_BUCKET_TYPE);
    for (const cdn of args.resources.filter((r) => r.type === CDN_TYPE))
      judgeCdn(cdn, buckets, config, (m) => reportViolation(m, cdn.urn));
  },
};
