import { readFileSync } from "node:fs";
import { join } from "node:path";
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

describe("secrets-rotation-epoch: exact verdicts and boundaries", () => {
  const LABEL = `'hmac' (urn:pulumi:test::titan::${T.randomPassword}::hmac)`;
  const at = (now: string, epoch: string, maxAgeQuarters?: number) =>
    check({ rotationEpoch: epoch }, maxAgeQuarters === undefined ? { now } : { now, maxAgeQuarters });

  it("reports a stale epoch with the exact message", async () => {
    expect(await check({ rotationEpoch: "2026-Q2" })).toEqual([
      `Secret ${LABEL} was last rotated in 2026-Q2, 2 quarters ago (limit 1). Fix: bump keepers.rotationEpoch to the current quarter to rotate it.`,
    ]);
  });

  it("reports a missing or malformed epoch with the exact message, quoting what it found", async () => {
    expect(await check(undefined)).toEqual([
      `Secret ${LABEL} has no valid keepers.rotationEpoch (''). Fix: set keepers: { rotationEpoch: "YYYY-Qn" }.`,
    ]);
    expect(await check({ rotationEpoch: "2026-Q0" })).toEqual([
      `Secret ${LABEL} has no valid keepers.rotationEpoch ('2026-Q0'). Fix: set keepers: { rotationEpoch: "YYYY-Qn" }.`,
    ]);
  });

  it("anchors the epoch pattern at both ends and needs a four-digit year", async () => {
    for (const epoch of ["x2026-Q4", "2026-Q4x", "26-Q4", "20260-Q4", "2026-q4", "2026-Q"]) {
      const messages = await check({ rotationEpoch: epoch });
      expect(messages, epoch).toEqual([
        expect.stringContaining(`has no valid keepers.rotationEpoch ('${epoch}')`),
      ]);
    }
    for (const quarter of [1, 2, 3, 4]) {
      expect(await at("2026-12-01T00:00:00Z", `2026-Q${quarter}`, 3)).toEqual([]);
    }
  });

  it("checks every generated-secret type and ignores other resources", async () => {
    for (const type of [
      "random:index/randomPassword:RandomPassword",
      "random:index/randomBytes:RandomBytes",
      "random:index/randomId:RandomId",
    ]) {
      expect(await check({ rotationEpoch: "2020-Q1" }, NOW, type), type).toHaveLength(1);
    }
    expect(await check({ rotationEpoch: "2020-Q1" }, NOW, "random:index/randomString:RandomString")).toEqual(
      [],
    );
    expect(await check(undefined, NOW, "docker:index/container:Container")).toEqual([]);
  });

  it("allows exactly maxAgeQuarters of lag and reports one more (default limit 1)", async () => {
    expect(await at("2026-11-24T00:00:00Z", "2026-Q3")).toEqual([]);
    expect(await at("2026-11-24T00:00:00Z", "2026-Q2")).toEqual([
      expect.stringContaining("2 quarters ago (limit 1)"),
    ]);
    expect(await at("2026-11-24T00:00:00Z", "2026-Q4", 0)).toEqual([]);
    expect(await at("2026-11-24T00:00:00Z", "2026-Q3", 0)).toEqual([
      expect.stringContaining("1 quarters ago (limit 0)"),
    ]);
    expect(await at("2026-11-24T00:00:00Z", "2025-Q4", 4)).toEqual([]);
    expect(await at("2026-11-24T00:00:00Z", "2025-Q3", 4)).toEqual([
      expect.stringContaining("5 quarters ago (limit 4)"),
    ]);
  });

  it("does not report an epoch in the future", async () => {
    expect(await at("2026-11-24T00:00:00Z", "2027-Q2", 0)).toEqual([]);
  });

  it("places the quarter boundaries on the first day of Jan, Apr, Jul and Oct (UTC)", async () => {
    const cases: [string, string, string][] = [
      ["2026-03-31T23:59:59Z", "2026-Q1", "2025-Q4"],
      ["2026-04-01T00:00:00Z", "2026-Q2", "2026-Q1"],
      ["2026-06-30T23:59:59Z", "2026-Q2", "2026-Q1"],
      ["2026-07-01T00:00:00Z", "2026-Q3", "2026-Q2"],
      ["2026-09-30T23:59:59Z", "2026-Q3", "2026-Q2"],
      ["2026-10-01T00:00:00Z", "2026-Q4", "2026-Q3"],
    ];
    for (const [now, current, previous] of cases) {
      expect(await at(now, current, 0), `${now} is in ${current}`).toEqual([]);
      expect(await at(now, previous, 0), `${now} is after ${previous}`).toEqual([
        expect.stringContaining(`last rotated in ${previous}, 1 quarters ago (limit 0)`),
      ]);
    }
  });

  it("rolls over the year: 2026-Q4 is one quarter before 2027-Q1", async () => {
    expect(await at("2027-01-01T00:00:00Z", "2026-Q4")).toEqual([]);
    expect(await at("2027-01-01T00:00:00Z", "2026-Q3")).toEqual([
      `Secret ${LABEL} was last rotated in 2026-Q3, 2 quarters ago (limit 1). Fix: bump keepers.rotationEpoch to the current quarter to rotate it.`,
    ]);
    expect(await at("2027-02-15T00:00:00Z", "2025-Q1", 7)).toEqual([
      expect.stringContaining("8 quarters ago (limit 7)"),
    ]);
  });

  it("uses the clock when no 'now' is configured", async () => {
    const today = new Date();
    const year = today.getUTCFullYear();
    const quarter = Math.floor(today.getUTCMonth() / 3) + 1;
    expect(await check({ rotationEpoch: `${year}-Q${quarter}` }, {})).toEqual([]);
    expect(await check({ rotationEpoch: `${year - 1}-Q${quarter}` }, {})).toEqual([
      expect.stringContaining("4 quarters ago (limit 1)"),
    ]);
  });

  it("indexes quarters consecutively", () => {
    expect(quarterIndex(2026, 1)).toBe(2026 * 4);
    expect(quarterIndex(2026, 4)).toBe(2026 * 4 + 3);
    expect(currentQuarterIndex(new Date("2026-05-15T12:00:00Z"))).toBe(2026 * 4 + 1);
    expect(currentQuarterIndex(new Date("2026-08-15T12:00:00Z"))).toBe(2026 * 4 + 2);
  });
});

describe("secrets-rotation-epoch config schema", () => {
  it("declares each option's type, bounds and the defaults the policy applies, with a description", () => {
    expect(secretsRotationEpoch.configSchema).toEqual({
      properties: {
        maxAgeQuarters: {
          type: "integer",
          minimum: 0,
          default: 1,
          description: expect.stringMatching(/quarters/),
        },
        now: { type: "string", default: "", description: expect.stringMatching(/now/) },
        stableSecrets: {
          type: "array",
          items: { type: "string" },
          default: [],
          description: expect.stringMatching(/never follow the epoch/),
        },
      },
    });
  });
});

describe("secrets-rotation-epoch: stable secrets", () => {
  const stable = { ...NOW, stableSecrets: ["hmac"] };

  it("does not report a stable secret without an epoch", async () => {
    expect(await check(undefined, stable)).toEqual([]);
    expect(await check({}, stable)).toEqual([]);
    // Only the names listed are stable.
    expect(await check({}, { ...NOW, stableSecrets: ["backup-restic-key"] })).toEqual([
      `Secret 'hmac' (urn:pulumi:test::titan::${T.randomPassword}::hmac) has no valid keepers.rotationEpoch (''). Fix: set keepers: { rotationEpoch: "YYYY-Qn" }.`,
    ]);
  });

  it("reports a stable secret that carries an epoch, current or stale", async () => {
    const message = (epoch: string) =>
      `Secret 'hmac' (urn:pulumi:test::titan::${T.randomPassword}::hmac) is listed in stableSecrets but carries keepers.rotationEpoch ('${epoch}'), so the next epoch bump replaces it. Fix: take it off stableSecrets if it is meant to rotate; otherwise plan the change with care, since adding or removing a keeper replaces the secret.`;
    expect(await check({ rotationEpoch: "2026-Q4" }, stable)).toEqual([message("2026-Q4")]);
    expect(await check({ rotationEpoch: "2024-Q1" }, stable)).toEqual([message("2024-Q1")]);
  });

  it("names the stack's three stable secrets in prod and single", () => {
    for (const file of ["config.prod.json", "config.single.json"]) {
      const config = JSON.parse(readFileSync(join(__dirname, "../..", file), "utf8")) as Record<
        string,
        { stableSecrets?: string[] }
      >;
      expect(config["secrets-rotation-epoch"]?.stableSecrets, file).toEqual([
        "backup-restic-key",
        "secrets-credentialEncryption",
        "secrets-postgresBootstrap",
      ]);
    }
  });
});
