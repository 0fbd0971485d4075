// Image references (DESIGN.md §1): Titan images by the release tag, third-party images by the
// pinned tags in config. The stack resolves each to its registry digest and runs the digest.
import type { OptionalService } from "../config/keys";
import type { TitanConfig } from "../config/schema";

export const TITAN_REGISTRY = "ghcr.io/peycheff-com/titan-trading-system";

/** Where an image comes from: a Titan image (tag = release) or a pinned third-party one. */
export type ImageSource =
  | { kind: "titan"; image: string }
  | { kind: "third-party"; repository: string; tagKey: keyof TitanConfig["images"] }
  /** An optional service the operator builds: its reference comes from `titan:serviceImages`. */
  | { kind: "operator"; service: OptionalService };

/** `repository:tag`, the name the registry is asked about. Never `latest` (the schema refuses it). */
export function taggedReference(
  source: ImageSource,
  cfg: Pick<TitanConfig, "release" | "images"> & Partial<Pick<TitanConfig, "serviceImages">>,
): string {
  if (source.kind === "titan") return `${TITAN_REGISTRY}/${source.image}:${cfg.release}`;
  if (source.kind === "operator") {
    const ref = cfg.serviceImages?.[source.service];
    if (!ref) throw new Error(`titan:serviceImages has no image for ${source.service}`);
    return ref;
  }
  return `${source.repository}:${cfg.images[source.tagKey]}`;
}

/** `repository@sha256:…`: what the container runs, immune to a tag being moved. */
export function digestReference(tagged: string, sha256Digest: string): string {
  if (!/^sha256:[0-9a-f]{64}$/.test(sha256Digest)) {
    throw new Error(`image ${tagged}: registry returned '${sha256Digest}', not a sha256 digest`);
  }
  const lastSlash = tagged.lastIndexOf("/");
  const colon = tagged.indexOf(":", lastSlash + 1);
  const repository = colon === -1 ? tagged : tagged.slice(0, colon);
  return `${repository}@${sha256Digest}`;
}
