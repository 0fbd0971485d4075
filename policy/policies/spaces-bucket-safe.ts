import type { ResourceValidationPolicy } from "@pulumi/policy";
import { resourceLabel } from "../lib/firewall";
import { asRecord, asText } from "../lib/props";

const SPACES_BUCKET_TYPE = "digitalocean:index/spacesBucket:SpacesBucket";

export const spacesBucketSafe: ResourceValidationPolicy = {
  name: "spaces-bucket-safe",
  description:
    "Spaces buckets are private, keep object versions, and cannot be force-destroyed with their contents.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: (args, reportViolation) => {
    if (args.type !== SPACES_BUCKET_TYPE) return;
    const label = resourceLabel(args.name, args.urn);
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
  },
};
