import { describe, expect, it } from "vitest";
import { appPlatformAllowlist } from "../../policies/app-platform-allowlist";
import { runResourcePolicy } from "../helpers";

const APP = "digitalocean:index/app:App";
const URN = `urn:pulumi:test::titan::${APP}::status`;
const check = (props: Record<string, unknown>, config = {}) =>
  runResourcePolicy(appPlatformAllowlist, { type: APP, name: "status", props }, config);
const spec = (extra: Record<string, unknown> = {}) => ({
  spec: { name: "titan-status", region: "fra", staticSites: [{ name: "site" }], ...extra },
});

describe("app-platform-allowlist", () => {
  it("refuses any app by default, saying why", async () => {
    expect(await check(spec())).toEqual([
      `App Platform app 'status' (${URN}) (spec.name 'titan-status') is not on the allow-list (empty). ` +
        "Titan does not use App Platform: an app runs outside the cloud firewalls, can reach the VPC and publishes routes to the internet. " +
        "Fix: remove it, or add its spec.name to app-platform-allowlist's allowedApps after review.",
    ]);
  });

  it("accepts an allow-listed app that joins no VPC", async () => {
    expect(await check(spec(), { allowedApps: ["titan-status"] })).toEqual([]);
  });

  it("refuses an allow-listed app attached to the VPC", async () => {
    const [message] = await check(spec({ vpcs: [{ id: "3f2a-vpc" }] }), { allowedApps: ["titan-status"] });
    expect(message).toBe(
      `App Platform app 'status' (${URN}) is allow-listed but attached to a VPC (spec.vpcs), from where it could reach NATS, brain or Postgres. Fix: remove spec.vpcs.`,
    );
    const [odd] = await check(spec({ vpcs: { id: "3f2a-vpc" } }), { allowedApps: ["titan-status"] });
    expect(odd).toContain("attached to a VPC");
  });

  it("does not match an app without a readable name, or by the resource name (adversarial)", async () => {
    const [noSpec] = await check({}, { allowedApps: [""] });
    expect(noSpec).toContain("(spec.name '') is not on the allow-list");
    const [byResourceName] = await check(spec({ name: "other" }), {
      allowedApps: ["status", "titan-status"],
    });
    expect(byResourceName).toContain("(spec.name 'other') is not on the allow-list (status, titan-status).");
  });
});
