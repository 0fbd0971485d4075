import { describe, expect, it } from "vitest";
import { statefulResourcesProtected } from "../../policies/stateful-resources-protected";
import { T } from "../fixtures";
import { runResourcePolicy } from "../helpers";

const run = (type: string, tags: string[], opts: Record<string, unknown>, config = {}) =>
  runResourcePolicy(statefulResourcesProtected, { type, name: "trading", props: { tags }, opts }, config);
const SAFE = { protect: true, ignoreChanges: ["userData", "sshKeys", "image"] };

describe("stateful-resources-protected", () => {
  it("passes protected trading and single droplets that ignore replacement fields", async () => {
    expect(await run(T.droplet, ["titan-trading"], SAFE)).toEqual([]);
    expect(await run(T.droplet, ["titan-single"], { protect: true, ignoreChanges: ["*"] })).toEqual([]);
  });

  it("does not require protection of the stateless edge", async () => {
    expect(await run(T.droplet, ["titan-edge"], {})).toEqual([]);
  });

  it("requires protect on stateful droplets and volumes", async () => {
    expect(await run(T.droplet, ["titan-trading"], { ...SAFE, protect: false })).toEqual([
      expect.stringContaining("Stateful droplet 'trading'"),
    ]);
    const [volume] = await run(T.volume, [], {});
    expect(volume).toContain("Volume 'trading'");
    expect(volume).toContain("Fix: set the resource option protect: true.");
  });

  it("names the replacement fields that are not ignored", async () => {
    const [message] = await run(T.droplet, ["titan-trading"], {
      protect: true,
      ignoreChanges: ["userData", "sshKeys[0]"],
    });
    expect(message).toContain("does not ignore changes to sshKeys, image");
  });

  it("honours configured stateful tags", async () => {
    expect(await run(T.droplet, ["db"], {})).toEqual([]);
    expect(await run(T.droplet, ["db"], {}, { statefulTags: ["db"] })).toEqual([
      expect.stringContaining("is not protected. Fix: set the resource option protect: true."),
      expect.stringContaining(
        'does not ignore changes to userData, sshKeys, image, so editing them replaces it. Fix: add ignoreChanges: ["userData", "sshKeys", "image"].',
      ),
    ]);
  });
});

// Edge cases: branches the tests above do not reach: defaults, alternative spellings, display details.
describe("stateful-resources-protected: edge cases", () => {
  it("trims ignoreChanges entries", async () => {
    const opts = { protect: true, ignoreChanges: [" userData ", "sshKeys", "image "] };
    expect(
      await runResourcePolicy(statefulResourcesProtected, {
        type: T.droplet,
        props: { tags: ["titan-trading"] },
        opts,
      }),
    ).toEqual([]);
  });
});

describe("stateful-resources-protected: boundaries", () => {
  it("a droplet carrying a stateful tag among others is stateful", async () => {
    expect(
      await run(T.droplet, ["titan-env-prod", "titan-trading"], { protect: true, ignoreChanges: [] }),
    ).toEqual([
      expect.stringContaining(
        "Stateful droplet 'trading' (urn:pulumi:test::titan::digitalocean:index/droplet:Droplet::trading) does not ignore changes to userData, sshKeys, image",
      ),
    ]);
  });

  it("a protected volume needs nothing else (volumes are not replaced by droplet field edits)", async () => {
    expect(await run(T.volume, [], { protect: true, ignoreChanges: [] })).toEqual([]);
  });

  it("a wildcard ignoreChanges entry is read trimmed like the named ones", async () => {
    expect(await run(T.droplet, ["titan-trading"], { protect: true, ignoreChanges: [" * "] })).toEqual([]);
  });
});
