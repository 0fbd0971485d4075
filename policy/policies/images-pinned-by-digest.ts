import type { ResourceValidationPolicy } from "@pulumi/policy";
import { CONTAINER_TYPE, REMOTE_IMAGE_TYPE } from "../lib/docker";
import { resourceLabel } from "../lib/firewall";
import { asText } from "../lib/props";

const DIGEST_REFERENCE = /^([^\s@]+)@sha256:[0-9a-f]{64}$/;
/** A bare image id (what RemoteImage.imageId yields) is content-addressed too. */
const IMAGE_ID = /^sha256:[0-9a-f]{64}$/;

/** Why an image reference is not immutable, or undefined when it is pinned by digest. */
export function imagePinProblem(reference: string): string | undefined {
  if (IMAGE_ID.test(reference)) return undefined;
  const match = DIGEST_REFERENCE.exec(reference);
  if (!match) return `'${reference}' is not pinned by digest`;
  const repository = match[1] ?? "";
  const lastSegment = repository.slice(repository.lastIndexOf("/") + 1);
  if (lastSegment.endsWith(":latest")) return `'${reference}' names the mutable tag latest`;
  return undefined;
}

export const imagesPinnedByDigest: ResourceValidationPolicy = {
  name: "images-pinned-by-digest",
  description:
    "Container images and pulled remote images are referenced as repo@sha256:<digest>, never by a mutable tag such as latest or with no tag, so what was reviewed is what runs.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: (args, reportViolation) => {
    const field =
      args.type === CONTAINER_TYPE ? "image" : args.type === REMOTE_IMAGE_TYPE ? "name" : undefined;
    if (!field) return;
    const reference = asText(args.props[field]) ?? "";
    const problem = imagePinProblem(reference);
    if (!problem) return;
    reportViolation(
      `${args.type === CONTAINER_TYPE ? "Container" : "Remote image"} ${resourceLabel(args.name, args.urn)}: ${field} ${problem}. ` +
        "Fix: resolve the tag to its registry digest and use repo@sha256:<64 hex>.",
    );
  },
};
