import { describe, expect, it } from "vitest";
import { spacesKeyOneBucket } from "../../policies/spaces-key-one-bucket";
import { runResourcePolicy } from "../helpers";

const TYPE = "digitalocean:index/spacesKey:SpacesKey";
const LABEL = `Spaces key 'backup-key' (urn:pulumi:test::titan::${TYPE}::backup-key)`;
const FIX =
  'Fix: grant read or readwrite on the one bucket the key is for, e.g. grants: [{ bucket: backups.name, permission: "readwrite" }].';
const check = (props: Record<string, unknown>) =>
  runResourcePolicy(spacesKeyOneBucket, { type: TYPE, name: "backup-key", props });

describe("spaces-key-one-bucket", () => {
  it("accepts the stack's own backup key (one bucket, readwrite), and read plus readwrite on one bucket", async () => {
    // The shape infra/components/backup.ts registers (seen in the offline plan).
    expect(
      await check({
        name: "titan-prod-backup",
        grants: [{ bucket: "titan-prod-backups", permission: "readwrite" }],
      }),
    ).toEqual([]);
    const twice = [
      { bucket: "titan-prod-backups", permission: "read" },
      { bucket: "titan-prod-backups", permission: "READWRITE" },
    ];
    expect(await check({ grants: twice })).toEqual([]);
  });

  it("refuses fullaccess, even with a bucket named", async () => {
    expect(await check({ grants: [{ bucket: "", permission: "fullaccess" }] })).toEqual([
      `${LABEL}: grant #1 (fullaccess on '') is not a one-bucket permission (fullaccess reaches every bucket of the account). ${FIX}`,
    ]);
    expect(
      await check({ grants: [{ bucket: "titan-prod-backups", permission: "FullAccess" }] }),
    ).toHaveLength(1);
  });

  it("refuses an empty, missing or wildcard bucket", async () => {
    expect(await check({ grants: [{ bucket: " ", permission: "read" }] })).toEqual([
      `${LABEL}: grant #1 (read on '') names no single bucket, so it reaches every bucket of the account. ${FIX}`,
    ]);
    expect((await check({ grants: [{ bucket: "*", permission: "readwrite" }] }))[0]).toContain(
      "(readwrite on '*') names no single bucket",
    );
    expect((await check({ grants: [{ bucket: "titan-*", permission: "read" }] }))[0]).toContain(
      "names no single bucket",
    );
    expect((await check({ grants: [{ permission: "read" }] }))[0]).toContain(
      "(read on '') names no single bucket",
    );
  });

  it("refuses several buckets, unknown permissions and no grants (fail closed)", async () => {
    const two = [
      { bucket: "titan-prod-backups", permission: "readwrite" },
      { bucket: "titan-prod-assets", permission: "read" },
    ];
    expect(await check({ grants: two })).toEqual([
      `${LABEL} reaches 2 buckets ('titan-prod-backups', 'titan-prod-assets'); one key serves one bucket, so a leaked key opens no other. ${FIX}`,
    ]);
    expect((await check({ grants: [{ bucket: "b", permission: "write" }] }))[0]).toContain(
      "(write on 'b') is not a one-bucket permission",
    );
    expect((await check({ grants: [{ bucket: "b" }] }))[0]).toContain(
      "(no permission on 'b') is not a one-bucket permission",
    );
    expect(await check({ name: "k" })).toEqual([
      `${LABEL} has no readable grants, so the pack cannot tell how wide it is (fail closed). ${FIX}`,
    ]);
    expect(await check({ grants: "fullaccess" })).toHaveLength(1);
  });
});
