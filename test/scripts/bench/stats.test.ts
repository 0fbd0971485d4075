import { describe, expect, it } from "vitest";
import { median, perSecond, ratio } from "../../../scripts/bench/stats";

describe("median", () => {
  it("is the middle value of an odd count, whatever the order", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([9, 2, 7, 4, 1])).toBe(4);
  });
  it("is the mean of the two middle values of an even count", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it("does not reorder its input", () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
  it("refuses an empty list", () => {
    expect(() => median([])).toThrow(/no values/);
  });
});

describe("ratio and perSecond", () => {
  it("rounds the ratio to two decimals", () => {
    expect(ratio(10, 3)).toBe(3.33);
    expect(() => ratio(1, 0)).toThrow();
  });
  it("counts per second from milliseconds", () => {
    expect(perSecond(500, 250)).toBe(2000);
    expect(perSecond(1, 0)).toBe(Number.POSITIVE_INFINITY);
  });
});
