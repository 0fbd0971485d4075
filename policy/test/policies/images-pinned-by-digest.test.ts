import { describe, expect, it } from "vitest";
import { imagePinProblem, imagesPinnedByDigest } from "../../policies/images-pinned-by-digest";
import { DIGEST, T } from "../fixtures";
import { runResourcePolicy } from "../helpers";

describe("images-pinned-by-digest", () => {
  it("accepts digests and image ids", () => {
    expect(imagePinProblem(`ghcr.io/o/r/titan-brain@${DIGEST}`)).toBeUndefined();
    expect(imagePinProblem(`localhost:5000/nats:2.10@${DIGEST}`)).toBeUndefined();
    expect(imagePinProblem(DIGEST)).toBeUndefined();
  });

  it("refuses tags, latest, short or upper-case digests", () => {
    expect(imagePinProblem("nats:2.10-alpine")).toContain("not pinned by digest");
    expect(imagePinProblem("nats")).toContain("not pinned by digest");
    expect(imagePinProblem(`nats:latest@${DIGEST}`)).toContain("mutable tag latest");
    expect(imagePinProblem("nats@sha256:abc")).toContain("not pinned");
    expect(imagePinProblem(`nats@${DIGEST.toUpperCase()}`)).toContain("not pinned");
    expect(imagePinProblem("")).toContain("not pinned");
  });

  it("checks container image and remote image name with a fix", async () => {
    const [c] = await runResourcePolicy(imagesPinnedByDigest, {
      type: T.container,
      name: "nats",
      props: { image: "nats:latest" },
    });
    expect(c).toContain("Container 'nats'");
    expect(c).toContain("image 'nats:latest' is not pinned by digest");
    expect(c).toContain("Fix: resolve the tag to its registry digest");
    const [r] = await runResourcePolicy(imagesPinnedByDigest, {
      type: T.remoteImage,
      name: "img",
      props: { name: "redis" },
    });
    expect(r).toContain("Remote image 'img'");
    expect(
      await runResourcePolicy(imagesPinnedByDigest, {
        type: T.remoteImage,
        props: { name: `redis@${DIGEST}` },
      }),
    ).toEqual([]);
    expect(
      await runResourcePolicy(imagesPinnedByDigest, { type: T.droplet, props: { image: "ubuntu" } }),
    ).toEqual([]);
  });
});

describe("images-pinned-by-digest: a missing reference", () => {
  it("refuses a container with no image, showing the reference as empty (fail closed)", async () => {
    expect(
      await runResourcePolicy(imagesPinnedByDigest, { type: T.container, name: "svc", props: {} }),
    ).toEqual([
      `Container 'svc' (urn:pulumi:test::titan::${T.container}::svc): image '' is not pinned by digest. Fix: resolve the tag to its registry digest and use repo@sha256:<64 hex>.`,
    ]);
  });
});
