import { describe, expect, it } from "vitest";
import { spacesBucketSafe } from "../../policies/spaces-bucket-safe";
import { T } from "../fixtures";
import { runResourcePolicy } from "../helpers";

const check = (props: Record<string, unknown>) =>
  runResourcePolicy(spacesBucketSafe, { type: T.bucket, name: "backups", props });

describe("spaces-bucket-safe", () => {
  it("passes a private versioned bucket", async () => {
    expect(await check({ acl: "private", versioning: { enabled: true } })).toEqual([]);
    expect(await check({ versioning: { enabled: true }, forceDestroy: false })).toEqual([]);
  });

  it("reports public acl, missing versioning and force-destroy", async () => {
    expect(await check({ acl: "public-read", forceDestroy: true })).toEqual([
      expect.stringContaining(
        "Spaces bucket 'backups' (urn:pulumi:test::titan::digitalocean:index/spacesBucket:SpacesBucket::backups) has acl 'public-read'. Fix: set acl: \"private\".",
      ),
      expect.stringContaining("does not enable versioning"),
      expect.stringContaining("sets forceDestroy"),
    ]);
  });
});
