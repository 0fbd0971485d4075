import { describe, expect, it } from "vitest";
import {
  currentQuarterIndex,
  quarterIndex,
  secretsRotationEpoch,
} from "../../policies/secrets-rotation-epoch";
import { T } from "../fixtures";
import { runResourcePolicy } from "../helpers";

const NOW = { now: "2026-11-24T00:00:00Z" };
const check = (keepers: unknown, config: Record<string, unknown> = NOW, type: string = T.randomPassword) =>
  runResourcePolicy(secretsRotationEpoch, { type, name: "hmac", props: { keepers } }, config);

describe("secrets-rotation-epoch", () => {
  it("is advisory", () => expect(secretsRotationEpoch.enforcementLevel).toBe("advisory"));

  it("accepts the current and previous quarter", async () => {
    expect(await check({ rotationEpoch: "2026-Q4" })).toEqual([]);
    expect(await check({ rotationEpoch: "2026-Q3" })).toEqual([]);
  });

  it("reports older epochs with the age and fix", async () => {
    const [message] = await check({ rotationEpoch: "2026-Q2" });
    expect(message).toContain("Secret 'hmac'");
    expect(message).toContain("last rotated in 2026-Q2, 2 quarters ago (limit 1)");
    expect(await check({ rotationEpoch: "2025-Q4" }, { ...NOW, maxAgeQuarters: 4 })).toEqual([]);
    expect(
      await check(
        { rotationEpoch: "2025-Q3" },
        { ...NOW, maxAgeQuarters: 4 },
        "random:index/randomBytes:RandomBytes",
      ),
    ).toHaveLength(1);
  });

  it("reports missing or malformed epochs", async () => {
    for (const keepers of [undefined, {}, { rotationEpoch: "2026-Q5" }, { rotationEpoch: "Q4-2026" }]) {
      const [message] = await check(keepers, NOW, "random:index/randomId:RandomId");
      expect(message).toContain("has no valid keepers.rotationEpoch");
    }
  });

  it("computes quarters in UTC", () => {
    expect(currentQuarterIndex(new Date("2026-01-01T00:00:00Z"))).toBe(quarterIndex(2026, 1));
    expect(currentQuarterIndex(new Date("2026-12-31T23:59:59Z"))).toBe(quarterIndex(2026, 4));
    expect(quarterIndex(2026, 1) - quarterIndex(2025, 4)).toBe(1);
  });
});
