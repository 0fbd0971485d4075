import { describe, expect, it } from "vitest";
import { spacesBucketPolicyPrivate } from "../../policies/spaces-bucket-policy-private";
import { runResourcePolicy } from "../helpers";

const TYPE = "digitalocean:index/spacesBucketPolicy:SpacesBucketPolicy";
const LABEL = `Spaces bucket policy 'backups-policy' (urn:pulumi:test::titan::${TYPE}::backups-policy)`;
const check = (policy: unknown) =>
  runResourcePolicy(spacesBucketPolicyPrivate, {
    type: TYPE,
    name: "backups-policy",
    props: { bucket: "titan-prod-backups", region: "fra1", policy },
  });
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const READ = { Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::titan-prod-backups/*"] };

describe("spaces-bucket-policy-private", () => {
  it("accepts a named principal, and any Deny", async () => {
    expect(
      await check(doc({ Effect: "Allow", Principal: { AWS: ["arn:aws:iam::1234:user/backup"] }, ...READ })),
    ).toEqual([]);
    expect(await check(doc({ Effect: "Deny", Principal: "*", ...READ }))).toEqual([]);
    expect(await check({ Statement: { Effect: "Deny", Principal: "*", ...READ } })).toEqual([]);
  });

  it("refuses Principal * and AWS *", async () => {
    expect(await check(doc({ Effect: "Allow", Principal: "*", ...READ }))).toEqual([
      `${LABEL}: statement #1 allows Principal "*", which opens bucket 'titan-prod-backups' to anyone. Fix: name the account's own principals only; the backups are never public.`,
    ]);
    const [aws] = await check(
      doc(
        { Effect: "Deny", Principal: "*", ...READ },
        { Effect: "Allow", Principal: { AWS: ["arn:x", "*"] }, ...READ },
      ),
    );
    expect(aws).toContain('statement #2 allows Principal {"AWS":["arn:x","*"]}, which opens bucket');
  });

  it("refuses the adversarial spellings: a lower-case effect, NotPrincipal, no Principal, wildcard accounts", async () => {
    expect((await check(doc({ Effect: "allow", Principal: { AWS: "*" }, ...READ })))[0]).toContain(
      "allows Principal",
    );
    expect((await check(doc({ Effect: "Allow", NotPrincipal: { AWS: "arn:x" }, ...READ })))[0]).toContain(
      "statement #1 allows every principal but those in NotPrincipal",
    );
    expect((await check(doc({ Effect: "Allow", ...READ })))[0]).toContain(
      "allows with no Principal, which the pack cannot read",
    );
    expect(
      (await check(doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::*:root" }, ...READ })))[0],
    ).toContain("allows Principal");
    expect((await check(doc({ Effect: "Allow", Principal: { AWS: 7 }, ...READ })))[0]).toContain(
      "allows Principal",
    );
    expect((await check(doc("Allow everyone")))[0]).toContain("statement #1 is not an object");
  });

  it("refuses a policy it cannot parse (fail closed)", async () => {
    expect(await check("{ not json")).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${LABEL.replace(/[().*]/g, "\\$&")}: the policy does not parse as JSON \\(.+\\), so the pack cannot tell whom it opens the bucket to \\(fail closed\\)\\.`,
        ),
      ),
    ]);
    expect((await check("[]"))[0]).toContain("the policy is not a JSON object, so");
    expect((await check(undefined))[0]).toContain("the policy is not JSON text, so");
    expect(await check(JSON.stringify({ Version: "2012-10-17" }))).toEqual([
      `${LABEL}: the policy has no Statement, so the pack cannot tell what it grants (fail closed). Fix: remove the empty policy.`,
    ]);
  });
});

describe("spaces-bucket-policy-private: principal maps and display", () => {
  it("refuses a principal map in which any one kind is a wildcard", async () => {
    const principal = { AWS: ["arn:aws:iam::1234:user/backup"], CanonicalUser: "*" };
    expect(await check(doc({ Effect: "Allow", Principal: principal, ...READ }))).toEqual([
      `${LABEL}: statement #1 allows Principal ${JSON.stringify(principal)}, which opens bucket 'titan-prod-backups' to anyone. Fix: name the account's own principals only; the backups are never public.`,
    ]);
  });

  it("names the bucket as empty when the policy does not say which", async () => {
    const messages = await runResourcePolicy(spacesBucketPolicyPrivate, {
      type: TYPE,
      name: "backups-policy",
      props: { policy: doc({ Effect: "Allow", Principal: "*", ...READ }) },
    });
    expect(messages).toEqual([
      `${LABEL}: statement #1 allows Principal "*", which opens bucket '' to anyone. Fix: name the account's own principals only; the backups are never public.`,
    ]);
  });
});
