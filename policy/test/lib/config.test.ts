import { describe, expect, it } from "vitest";
import { withDefaults } from "../../lib/config";

describe("withDefaults", () => {
  const defaults = { ports: [1], flag: false };
  it("falls back to defaults for missing, null or undefined values", () => {
    expect(withDefaults(defaults, undefined)).toEqual(defaults);
    expect(withDefaults(defaults, null)).toEqual(defaults);
    expect(withDefaults(defaults, "x")).toEqual(defaults);
    expect(withDefaults(defaults, { ports: null, flag: undefined })).toEqual(defaults);
  });
  it("takes provided values, including falsy ones, and drops unknown keys", () => {
    expect(withDefaults(defaults, { ports: [], flag: true, extra: 1 })).toEqual({ ports: [], flag: true });
    expect(withDefaults({ n: 5 }, { n: 0 })).toEqual({ n: 0 });
  });
});
