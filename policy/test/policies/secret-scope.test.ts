import { describe, expect, it } from "vitest";
import { parseEnvs, secretScope } from "../../policies/secret-scope";
import { T } from "../fixtures";
import { runResourcePolicy } from "../helpers";

const check = (name: string, envs: unknown[], config = {}) =>
  runResourcePolicy(secretScope, { type: T.container, name, props: { name, envs } }, config);

describe("secret-scope", () => {
  it("passes each secret in its own container", async () => {
    expect(
      await check("titan-execution", [
        "BYBIT_API_KEY=a",
        "BYBIT_SECRET_KEY=b",
        "BINANCE_API_KEY=c",
        "HMAC_SECRET=d",
        "HMAC_TIMESTAMP_TOLERANCE=5",
      ]),
    ).toEqual([]);
    expect(await check("titan-brain", ["HMAC_SECRET=d", "HMAC_TIMESTAMP_TOLERANCE=3"])).toEqual([]);
    expect(await check("titan-console-api", ["TITAN_MASTER_PASSWORD=x"])).toEqual([]);
    expect(await check("titan-ai-quant", ["GEMINI_API_KEY=x"])).toEqual([]);
  });

  it("refuses secrets leaking into other containers, naming secret, owner and fix", async () => {
    const [message] = await check("titan-hunter", ["BYBIT_SECRET_KEY=x"]);
    expect(message).toContain("Container 'titan-hunter'");
    expect(message).toContain("receives secret BYBIT_SECRET_KEY, which only titan-execution may hold");
    expect(message).toContain("Fix: remove BYBIT_SECRET_KEY");
    expect(await check("titan-console-api", ["HMAC_SECRET=x"])).toEqual([
      expect.stringContaining(
        "receives secret HMAC_SECRET, which only titan-brain, titan-execution may hold",
      ),
    ]);
    expect(await check("titan-brain", ["TITAN_MASTER_PASSWORD=x", "GEMINI_API_KEY=y"])).toEqual([
      expect.stringContaining("TITAN_MASTER_PASSWORD, which only titan-console-api may hold"),
      expect.stringContaining("GEMINI_API_KEY, which only titan-ai-quant may hold"),
    ]);
  });

  it("limits HMAC_TIMESTAMP_TOLERANCE to 5 seconds", async () => {
    for (const value of ["6", "30", "abc", "", "-1"]) {
      const [message] = await check("titan-brain", [`HMAC_TIMESTAMP_TOLERANCE=${value}`]);
      expect(message).toContain("outside the 5-second replay window");
    }
    expect(await check("titan-brain", ["HMAC_TIMESTAMP_TOLERANCE= 5 "])).toEqual([]);
  });

  it("uses a configured scope table", async () => {
    const config = { scopes: { HMAC_SECRET: ["titan-brain"] } };
    expect(await check("titan-execution", ["HMAC_SECRET=x"], config)).toHaveLength(1);
    expect(await check("titan-execution", ["BYBIT_API_KEY=x"], config)).toEqual([]);
  });

  it("parses NAME=value entries with whitespace", () => {
    expect(parseEnvs([" HMAC_SECRET = x=y ", "FLAG", 7, ""])).toEqual([
      { name: "HMAC_SECRET", value: "x=y" },
      { name: "FLAG", value: "" },
      { name: "7", value: "" },
    ]);
  });
});
