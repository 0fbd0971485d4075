import { describe, expect, it } from "vitest";
import { asArray, asNumber, asRecord, asRecordArray, asText, asTextArray, isRecord } from "../../lib/props";

describe("props narrowing", () => {
  it("recognises records", () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord([])).toBe(false);
    expect(isRecord(null)).toBe(false);
    expect(isRecord("x")).toBe(false);
    expect(asRecord([1])).toEqual({});
    expect(asRecord({ a: 1 })).toEqual({ a: 1 });
  });
  it("narrows arrays", () => {
    expect(asArray("x")).toEqual([]);
    expect(asRecordArray([{ a: 1 }, 2, null])).toEqual([{ a: 1 }]);
    expect(asTextArray([" a ", 3, "", null, {}])).toEqual(["a", "3"]);
  });
  it("narrows text and numbers", () => {
    expect(asText(" x ")).toBe("x");
    expect(asText(4)).toBe("4");
    expect(asText(Number.NaN)).toBeUndefined();
    expect(asText(true)).toBeUndefined();
    expect(asNumber(" 12 ")).toBe(12);
    expect(asNumber(7)).toBe(7);
    expect(asNumber("")).toBeUndefined();
    expect(asNumber("  ")).toBeUndefined();
    expect(asNumber("1e400")).toBeUndefined();
    expect(asNumber(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(asNumber("abc")).toBeUndefined();
    expect(asNumber(null)).toBeUndefined();
  });
});
