import { describe, expect, it } from "vitest";
import { runWorkloads } from "./workload-run";

describe("optional operator secrets left unset", async () => {
  const run = await runWorkloads("split", false);
  const names = (c: string) => run.env(c).map((e) => e.name);

  it("injects no empty Binance or Gemini entries", () => {
    expect(names("titan-execution")).not.toContain("BINANCE_API_KEY");
    expect(names("titan-execution")).not.toContain("BINANCE_SECRET_KEY");
    expect(names("titan-ai-quant")).not.toContain("GEMINI_API_KEY");
    expect(names("titan-execution")).toContain("BYBIT_SECRET_KEY");
    for (const c of run.containerNames)
      for (const e of run.env(c)) expect([c, e.name, e.value.length > 0]).toEqual([c, e.name, true]);
  });
});
