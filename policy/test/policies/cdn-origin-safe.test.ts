import { describe, expect, it } from "vitest";
import type { EngineResource } from "../../../scripts/engine/policy-engine";
import { cdnOriginSafe } from "../../policies/cdn-origin-safe";
import { asTestResource } from "../as-test-resource";
import { resource, T } from "../fixtures";
import { runStackPolicy } from "../helpers";

const CDN = "digitalocean:index/cdn:Cdn";
const LABEL = `CDN 'assets-cdn' (urn:pulumi:prod::titan::${CDN}::assets-cdn)`;
// The URN the offline plan gives the backup bucket: under the titan:infra:Backup component.
const BACKUP_URN = `urn:pulumi:prod::titan-infra::titan:infra:Backup$${T.bucket}::backup-bucket`;
const backupBucket = (): EngineResource => ({
  ...resource(T.bucket, "backup-bucket", { name: "titan-prod-store", region: "fra1", acl: "private" }),
  urn: BACKUP_URN,
});
const assets = () =>
  resource(T.bucket, "assets", { name: "titan-prod-assets", region: "fra1", acl: "private" });
const cdn = (props: Record<string, unknown>, dependencies?: string[]): EngineResource => ({
  ...resource(CDN, "assets-cdn", props),
  ...(dependencies ? { dependencies } : {}),
});
const check = (rs: EngineResource[], config = {}) =>
  runStackPolicy(cdnOriginSafe, rs.map(asTestResource), config);

describe("cdn-origin-safe", () => {
  it("accepts a CDN on a stack bucket that is not the backups, with a certified custom domain", async () => {
    const ok = cdn({
      origin: "titan-prod-assets.fra1.digitaloceanspaces.com",
      customDomain: "static.example.com",
      certificateName: "static-cert",
    });
    expect(await check([assets(), backupBucket(), ok])).toEqual([]);
  });

  it("refuses the backup bucket, found by its URN's component even under a neutral name", async () => {
    expect(
      await check([backupBucket(), cdn({ origin: "titan-prod-store.fra1.digitaloceanspaces.com" })]),
    ).toEqual([
      `${LABEL} publishes bucket 'backup-bucket' (${BACKUP_URN}), the stack's backup bucket (it belongs to the backup component (titan:infra:Backup)). ` +
        "Fix: never put a CDN in front of the backups; serve public assets from a bucket of their own.",
    ]);
    const named = resource(T.bucket, "store", { name: "titan-backups-2", region: "fra1" });
    const [byName] = await check([
      named,
      cdn({ origin: "https://TITAN-BACKUPS-2.fra1.digitaloceanspaces.com/" }),
    ]);
    expect(byName).toContain("the stack's backup bucket (its name says it holds backups)");
  });

  it("refuses the backup bucket reached through the origin's dependency, whatever the origin text says", async () => {
    const sneaky = cdn({ origin: "titan-prod-assets.fra1.digitaloceanspaces.com" }, [BACKUP_URN]);
    const messages = await check([assets(), backupBucket(), sneaky]);
    expect(messages).toEqual([expect.stringContaining("publishes bucket 'backup-bucket'")]);
  });

  it("refuses an origin that is no bucket of this stack (fail closed)", async () => {
    expect(await check([assets(), cdn({ origin: "evil.example.com" })])).toEqual([
      `${LABEL} has origin 'evil.example.com', which is not the endpoint of a Spaces bucket of this stack (<bucket>.<region>.digitaloceanspaces.com), so the pack cannot tell what it publishes (fail closed). ` +
        "Fix: set origin to a bucket of this stack (bucket.bucketDomainName), never another host.",
    ]);
    // Right name, wrong region: another account's bucket of the same name.
    expect(
      await check([assets(), cdn({ origin: "titan-prod-assets.nyc3.digitaloceanspaces.com" })]),
    ).toHaveLength(1);
    expect(
      await check([assets(), cdn({ origin: "titan-prod-assets.fra1.digitaloceanspaces.com.evil.io" })]),
    ).toHaveLength(1);
    expect(await check([assets(), cdn({})])).toHaveLength(1);
  });

  it("refuses a custom domain without a certificate", async () => {
    const [message] = await check([
      assets(),
      cdn({
        origin: "titan-prod-assets.fra1.digitaloceanspaces.com",
        customDomain: "static.example.com",
        certificateName: " ",
      }),
    ]);
    expect(message).toBe(
      `${LABEL} serves custom domain 'static.example.com' without a certificate. Fix: set certificateName to a DigitalOcean certificate for that domain.`,
    );
  });
});

describe("cdn-origin-safe: reading the origin and what it depends on", () => {
  const origin = "titan-prod-assets.fra1.digitaloceanspaces.com";

  it("reads a plain-http origin as the bucket it names", async () => {
    expect(await check([assets(), cdn({ origin: `http://${origin}/img` })])).toEqual([]);
    const [backup] = await check([
      backupBucket(),
      cdn({ origin: "http://titan-prod-store.fra1.digitaloceanspaces.com" }),
    ]);
    expect(backup).toContain("publishes bucket 'backup-bucket'");
  });

  it("refuses a host with another label in front of a bucket endpoint (fail closed)", async () => {
    expect(await check([assets(), cdn({ origin: `evil.${origin}` })])).toEqual([
      `${LABEL} has origin 'evil.${origin}', which is not the endpoint of a Spaces bucket of this stack (<bucket>.<region>.digitaloceanspaces.com), so the pack cannot tell what it publishes (fail closed). ` +
        "Fix: set origin to a bucket of this stack (bucket.bucketDomainName), never another host.",
    ]);
  });

  it("refuses a CDN with no origin, naming it empty", async () => {
    expect(await check([assets(), cdn({})])).toEqual([
      `${LABEL} has origin '', which is not the endpoint of a Spaces bucket of this stack (<bucket>.<region>.digitaloceanspaces.com), so the pack cannot tell what it publishes (fail closed). ` +
        "Fix: set origin to a bucket of this stack (bucket.bucketDomainName), never another host.",
    ]);
  });

  it("a resource of another type with the bucket's name and region is not a bucket of this stack", async () => {
    const lookalike = resource(T.droplet, "titan-prod-assets", { name: "titan-prod-assets", region: "fra1" });
    expect(await check([lookalike, cdn({ origin })])).toHaveLength(1);
  });

  it("accepts a bucket that leaves its region unset", async () => {
    const noRegion = resource(T.bucket, "assets", { name: "titan-prod-assets", acl: "private" });
    expect(await check([noRegion, cdn({ origin })])).toEqual([]);
  });

  it("finds the backup component anywhere in a nested URN's parent chain", async () => {
    const nested: EngineResource = {
      ...resource(T.bucket, "store", { name: "titan-prod-store", region: "fra1" }),
      urn: `urn:pulumi:prod::titan::titan:infra:Stack$titan:infra:Backup$${T.bucket}::store`,
    };
    const [message] = await check([nested, cdn({ origin: "titan-prod-store.fra1.digitaloceanspaces.com" })]);
    expect(message).toContain(
      "the stack's backup bucket (it belongs to the backup component (titan:infra:Backup))",
    );
  });

  it("judges the buckets the origin property depends on, not every dependency of the CDN", async () => {
    const resources = [assets(), backupBucket(), cdn({ origin })].map(asTestResource);
    const [, , theCdn] = resources;
    if (!theCdn) throw new Error("no cdn");
    theCdn.propertyDependencies = { origin: [assets().urn] };
    theCdn.dependencies = [BACKUP_URN];
    expect(await runStackPolicy(cdnOriginSafe, resources)).toEqual([]);
  });

  it("only buckets among the dependencies are what the CDN publishes", async () => {
    const cert = resource("digitalocean:index/certificate:Certificate", "backup-static-cert", {
      name: "backup-static-cert",
    });
    expect(await check([assets(), cert, cdn({ origin }, [cert.urn])])).toEqual([]);
  });
});
