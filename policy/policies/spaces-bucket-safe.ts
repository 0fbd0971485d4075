import type { ResourceValidationPolicy } from "@pulumi/policy";
import { resourceLabel } from "../lib/firewall";
import { asArray, asRecord, asRecordArray, asText } from "../lib/props";

const SPACES_BUCKET_TYPE = "digitalocean:index/spacesBucket:SpacesBucket";
// biome-ignore lint/security/noSecrets: a Pulumi type token, not a secret
const SPACES_CORS_TYPE = "digitalocean:index/spacesBucketCorsConfiguration:SpacesBucketCorsConfiguration";

/** Methods that only read; every other method (or an unreadable one) can change the bucket. */
const READ_METHODS = new Set(["GET", "HEAD"]);

/**
 * An origin any site can claim: "*", or a wildcard over a whole top-level domain ("https://*",
 * "*.com"). Spaces matches its one "*" anywhere, so a wildcard is confined only when a whole domain
 * of two labels or more follows it after a dot: "https://*.example.com" and "https://a*.example.com"
 * are one domain's subdomains and are not counted; "https://*com", "https://*example.com" and
 * "https://app.example.com*" are.
 */
function isAnyOrigin(origin: string): boolean {
  const host = origin.replace(/^[a-z*]+:\/\//i, "").replace(/[:/].*$/, "");
  if (host === "") return true;
  const star = host.lastIndexOf("*");
  if (star < 0) return false;
  // The domain after the first dot that follows the wildcard (with no dot, the whole rest, which
  // then has no dot either and so is no domain of two labels).
  const after = host.slice(star + 1);
  return !/^[^.*]+(\.[^.*]+)+$/.test(after.slice(after.indexOf(".") + 1));
}

function corsProblems(rules: unknown, label: string): string[] {
  return asRecordArray(rules).flatMap((rule, i) => {
    const origins = asArray(rule.allowedOrigins).map((o) => asText(o) ?? "");
    const wide = origins.filter(isAnyOrigin);
    const methods = asArray(rule.allowedMethods).map((m) => (asText(m) ?? "").toUpperCase());
    const writes = methods.filter((m) => !READ_METHODS.has(m));
    if (wide.length === 0 || writes.length === 0) return [];
    return [
      `Spaces bucket ${label}: CORS rule #${i + 1} lets any origin (${wide.map((o) => `'${o}'`).join(", ")}) send ${writes.map((m) => m || "''").join(", ")}. ` +
        "Fix: list the exact origins that may write, or allow only GET and HEAD from any origin.",
    ];
  });
}

export const spacesBucketSafe: ResourceValidationPolicy = {
  name: "spaces-bucket-safe",
  description:
    "Spaces buckets are private, keep object versions, cannot be force-destroyed with their contents, and let no origin that any site can claim write through CORS.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: (args, reportViolation) => {
    const label = resourceLabel(args.name, args.urn);
    if (args.type === SPACES_CORS_TYPE) {
      for (const problem of corsProblems(args.props.corsRules, label)) reportViolation(problem);
      return;
    }
    if (args.type !== SPACES_BUCKET_TYPE) return;
    const acl = (asText(args.props.acl) ?? "private").toLowerCase();
    if (acl !== "private")
      reportViolation(`Spaces bucket ${label} has acl '${acl}'. Fix: set acl: "private".`);
    if (asRecord(args.props.versioning).enabled !== true) {
      reportViolation(
        `Spaces bucket ${label} does not enable versioning. Fix: set versioning: { enabled: true }.`,
      );
    }
    if (args.props.forceDestroy === true) {
      reportViolation(
        `Spaces bucket ${label} sets forceDestroy. Fix: remove forceDestroy so a delete cannot wipe its objects.`,
      );
    }
    for (const problem of corsProblems(args.props.corsRules, label)) reportViolation(problem);
  },
};
