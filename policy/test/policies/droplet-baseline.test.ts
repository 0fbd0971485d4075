import { describe, expect, it } from "vitest";
import { dropletBaseline } from "../../policies/droplet-baseline";
import { droplet, T } from "../fixtures";
import { runResourcePolicy } from "../helpers";

const check = (extra: Record<string, unknown>, config = { requireBackups: true }) => {
  const d = droplet("edge", "titan-edge", extra);
  return runResourcePolicy(dropletBaseline, { type: T.droplet, name: "edge", props: d.properties }, config);
};

describe("droplet-baseline", () => {
  it("passes a complete droplet", async () => expect(await check({})).toEqual([]));

  it("reports each missing baseline item with its fix", async () => {
    const messages = await check({ vpcUuid: "", sshKeys: [], monitoring: false, backups: false });
    expect(messages).toEqual([
      expect.stringContaining(
        "Droplet 'edge' (urn:pulumi:test::titan::digitalocean:index/droplet:Droplet::edge) has no vpcUuid",
      ),
      expect.stringContaining("has no sshKeys. Fix: add the operators' key fingerprints"),
      expect.stringContaining("does not enable monitoring"),
      expect.stringContaining("does not enable backups, which this stack requires. Fix: set backups: true"),
    ]);
  });

  it("requires backups only when configured", async () => {
    expect(await check({ backups: false }, { requireBackups: false })).toEqual([]);
    expect(await check({ backups: undefined })).toHaveLength(1);
  });

  it("requires the daily plan where backups are required: the provider's default is weekly", async () => {
    expect(await check({ backupPolicy: undefined })).toEqual([
      expect.stringContaining(
        "has backupPolicy.plan '(unset: weekly)', and this stack requires daily droplet backups. Fix: set backupPolicy: { plan: \"daily\", hour: 4 }",
      ),
    ]);
    expect(await check({ backupPolicy: { plan: "weekly", weekday: "SUN", hour: 4 } })).toEqual([
      expect.stringContaining("has backupPolicy.plan 'weekly'"),
    ]);
    // Case and spacing as the API might echo them are still daily.
    expect(await check({ backupPolicy: { plan: " Daily ", hour: 8 } })).toEqual([]);
    // A plan given as a non-string fails closed.
    expect(await check({ backupPolicy: { plan: ["daily"] } })).toHaveLength(1);
    // Not required: any plan passes.
    expect(await check({ backupPolicy: undefined }, { requireBackups: false })).toEqual([]);
  });

  it("ignores other types", async () => {
    expect(await runResourcePolicy(dropletBaseline, { type: T.volume, props: {} })).toEqual([]);
  });
});

// Edge cases: branches the tests above do not reach: defaults, alternative spellings, display details.
describe("droplet-baseline: edge cases", () => {
  it("does not require backups by default", async () => {
    const d = droplet("edge", "titan-edge", { backups: false });
    expect(await runResourcePolicy(dropletBaseline, { type: T.droplet, props: d.properties })).toEqual([]);
  });
});

describe("droplet-baseline: the backup plan", () => {
  it("asks for a daily plan only once backups are on: with them off, only the backups are reported", async () => {
    expect(await check({ backups: false, backupPolicy: undefined })).toEqual([
      "Droplet 'edge' (urn:pulumi:test::titan::digitalocean:index/droplet:Droplet::edge) does not enable backups, which this stack requires. Fix: set backups: true.",
    ]);
  });
});
