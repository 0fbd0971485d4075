import type { ResourceValidationPolicy } from "@pulumi/policy";
import { resourceLabel } from "../lib/firewall";
import { asRecordArray, asText } from "../lib/props";

export const SPACES_KEY_TYPE = "digitalocean:index/spacesKey:SpacesKey";

/** Permissions scoped to the grant's bucket; `fullaccess` covers every bucket whatever it names. */
const BUCKET_PERMISSIONS = new Set(["read", "readwrite"]);

export const spacesKeyOneBucket: ResourceValidationPolicy = {
  name: "spaces-key-one-bucket",
  description:
    "A Spaces access key is granted read or readwrite on exactly one named bucket, never fullaccess, an empty or wildcard bucket, or several buckets.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: (args, reportViolation) => {
    if (args.type !== SPACES_KEY_TYPE) return;
    const label = `Spaces key ${resourceLabel(args.name, args.urn)}`;
    const fix =
      'Fix: grant read or readwrite on the one bucket the key is for, e.g. grants: [{ bucket: backups.name, permission: "readwrite" }].';
    const grants = asRecordArray(args.props.grants);
    if (grants.length === 0) {
      reportViolation(
        `${label} has no readable grants, so the pack cannot tell how wide it is (fail closed). ${fix}`,
      );
      return;
    }
    const buckets = new Set<string>();
    grants.forEach((grant, i) => {
      const bucket = asText(grant.bucket) ?? "";
      const permission = (asText(grant.permission) ?? "").toLowerCase();
      const where = `${label}: grant #${i + 1} (${permission || "no permission"} on '${bucket}')`;
      if (!BUCKET_PERMISSIONS.has(permission))
        reportViolation(
          `${where} is not a one-bucket permission (fullaccess reaches every bucket of the account). ${fix}`,
        );
      else if (bucket === "" || bucket.includes("*"))
        reportViolation(`${where} names no single bucket, so it reaches every bucket of the account. ${fix}`);
      buckets.add(bucket);
    });
    if (buckets.size > 1)
      reportViolation(
        `${label} reaches ${buckets.size} buckets (${[...buckets].map((b) => `'${b}'`).join(", ")}); one key serves one bucket, so a leaked key opens no other. ${fix}`,
      );
  },
};
