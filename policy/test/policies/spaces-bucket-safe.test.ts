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

describe("spaces-bucket-safe: CORS", () => {
  // biome-ignore lint/security/noSecrets: a Pulumi type token, not a secret
  const CORS = "digitalocean:index/spacesBucketCorsConfiguration:SpacesBucketCorsConfiguration";
  const cors = (corsRules: unknown) =>
    runResourcePolicy(spacesBucketSafe, {
      type: CORS,
      name: "cors",
      props: { bucket: "b", region: "fra1", corsRules },
    });
  const onBucket = (corsRules: unknown) => check({ versioning: { enabled: true }, corsRules });

  it("accepts reads from any origin and writes from a named one", async () => {
    const rules = [
      { allowedOrigins: ["*"], allowedMethods: ["GET", "head"] },
      {
        allowedOrigins: ["https://helm.example.com", "https://*.example.com"],
        allowedMethods: ["PUT", "POST", "DELETE"],
      },
    ];
    expect(await cors(rules)).toEqual([]);
    expect(await onBucket(rules)).toEqual([]);
  });

  it("refuses writes from any origin, on the bucket and in a CORS configuration", async () => {
    expect(await cors([{ allowedOrigins: ["*"], allowedMethods: ["GET", "PUT"] }])).toEqual([
      `Spaces bucket 'cors' (urn:pulumi:test::titan::${CORS}::cors): CORS rule #1 lets any origin ('*') send PUT. ` +
        "Fix: list the exact origins that may write, or allow only GET and HEAD from any origin.",
    ]);
    expect(
      await onBucket([
        { allowedOrigins: ["https://a.example"], allowedMethods: ["PUT"] },
        { allowedOrigins: ["*"], allowedMethods: ["delete"] },
      ]),
    ).toEqual([
      expect.stringContaining(
        "Spaces bucket 'backups' (urn:pulumi:test::titan::digitalocean:index/spacesBucket:SpacesBucket::backups): CORS rule #2 lets any origin ('*') send DELETE.",
      ),
    ]);
  });

  it("refuses the wildcard spellings and unreadable methods (adversarial)", async () => {
    for (const origin of ["https://*", "http://*:443", "*.com", " * ", ""]) {
      const [message] = await cors([{ allowedOrigins: [origin], allowedMethods: ["POST"] }]);
      expect(message, origin).toContain("lets any origin");
    }
    const [odd] = await cors([{ allowedOrigins: ["*"], allowedMethods: ["GET", 7, {}, "*"] }]);
    expect(odd).toContain("send 7, '', *.");
  });
});

// Edge cases: branches the tests above do not reach: defaults, alternative spellings, display details.
describe("spaces-bucket-safe: edge cases", () => {
  it("compares the ACL case-insensitively", async () => {
    expect(
      await runResourcePolicy(spacesBucketSafe, {
        type: T.bucket,
        props: { acl: " PRIVATE ", versioning: { enabled: true } },
      }),
    ).toEqual([]);
  });
});

describe("spaces-bucket-safe: which wildcard origins any site can claim", () => {
  // biome-ignore lint/security/noSecrets: a Pulumi type token, not a secret
  const CORS = "digitalocean:index/spacesBucketCorsConfiguration:SpacesBucketCorsConfiguration";
  const cors = (corsRules: unknown) =>
    runResourcePolicy(spacesBucketSafe, { type: CORS, name: "cors", props: { bucket: "b", corsRules } });
  const said = (origins: string, methods: string) =>
    `Spaces bucket 'cors' (urn:pulumi:test::titan::${CORS}::cors): CORS rule #1 lets any origin (${origins}) send ${methods}. ` +
    "Fix: list the exact origins that may write, or allow only GET and HEAD from any origin.";

  // Spaces matches one "*" anywhere in an allowed origin (as S3 does): "https://*com" admits
  // https://evil.com, and "https://app.example.com*" admits https://app.example.com.evil.io.
  it("refuses a wildcard that is not followed by a whole domain of its own", async () => {
    for (const origin of [
      "https://*com",
      "https://*example.com",
      "https://a*.com",
      "https://app.example.com*",
    ]) {
      expect(await cors([{ allowedOrigins: [origin], allowedMethods: ["PUT"] }]), origin).toEqual([
        said(`'${origin}'`, "PUT"),
      ]);
    }
  });

  it("keeps a wildcard confined to one domain's subdomains", async () => {
    for (const origin of [
      "https://*.example.com",
      "https://a*.example.com",
      "https://*-api.example.com:8443",
      "https://*.static.example.com",
      "https://api.v*.example.com",
    ]) {
      expect(await cors([{ allowedOrigins: [origin], allowedMethods: ["PUT"] }]), origin).toEqual([]);
    }
  });

  it("an origin with no host at all counts as any origin (fail closed)", async () => {
    for (const origin of ["https://", "https://:443"]) {
      expect(await cors([{ allowedOrigins: [origin], allowedMethods: ["PUT"] }]), origin).toEqual([
        said(`'${origin}'`, "PUT"),
      ]);
    }
  });

  it("names every claimable origin and every write method of the rule", async () => {
    expect(
      await cors([
        {
          allowedOrigins: ["*", "https://ok.example.com", "https://*"],
          allowedMethods: ["GET", "PUT", "DELETE"],
        },
      ]),
    ).toEqual([said("'*', 'https://*'", "PUT, DELETE")]);
  });

  it("an origin that is not text counts as any origin (fail closed)", async () => {
    expect(await cors([{ allowedOrigins: [{ host: "app.example.com" }], allowedMethods: ["PUT"] }])).toEqual([
      said("''", "PUT"),
    ]);
  });
});
