import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  isExpressionAllowed,
  judgeLicenses,
  licensePolicySchema,
} from "../../../scripts/gates/license-policy";

const policy = licensePolicySchema.parse(
  JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "license-policy.json"), "utf8")),
);
const allowed = new Set(policy.allowed);

describe("license decision", () => {
  it.each([
    ["MIT", true],
    ["Apache-2.0", true],
    ["BSD-3-Clause", true],
    ["0BSD", true],
    ["BlueOak-1.0.0", true],
    ["MIT*", true],
    ["(MIT OR GPL-3.0)", true],
    ["(BSD-3-Clause AND Apache-2.0)", true],
    ["GPL-3.0", false],
    ["GPL-2.0-or-later", false],
    ["AGPL-3.0-only", false],
    ["LGPL-2.1", false],
    ["MIT AND GPL-3.0", false],
    ["SSPL-1.0", false],
    ["UNKNOWN", false],
    ["Custom: LICENSE", false],
    ["UNLICENSED", false],
    ["(MIT", false],
    ["", false],
  ])("%s -> %s", (expression, expected) => {
    expect(isExpressionAllowed(expression, allowed)).toBe(expected);
  });

  it("reads a licenses array as a choice", () => {
    const [verdict] = judgeLicenses([{ package: "old@1.0.0", licenses: ["GPL-2.0", "MIT"] }], policy);
    expect(verdict?.allowed).toBe(true);
  });

  it("accepts a reviewed exception only for the exact name@version", () => {
    const verdicts = judgeLicenses(
      [
        { package: "@logdna/tail-file@2.2.0", licenses: "Custom: LICENSE" },
        { package: "@logdna/tail-file@2.3.0", licenses: "Custom: LICENSE" },
      ],
      policy,
    );
    expect(verdicts.map((verdict) => verdict.allowed)).toEqual([true, false]);
    expect(verdicts[0]?.via).toBe("exception");
  });

  it("refuses a planted GPL dependency", () => {
    const [verdict] = judgeLicenses(
      [{ package: "copyleft-thing@1.0.0", licenses: "GPL-3.0-or-later" }],
      policy,
    );
    expect(verdict).toEqual({ package: "copyleft-thing@1.0.0", license: "GPL-3.0-or-later", allowed: false });
  });
});
