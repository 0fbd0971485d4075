import { describe, expect, it } from "vitest";
import { containerMemoryLimit } from "../../policies/container-memory-limit";
import { T } from "../fixtures";
import { runResourcePolicy } from "../helpers";

describe("container-memory-limit", () => {
  it("is advisory and passes a limited container", async () => {
    expect(containerMemoryLimit.enforcementLevel).toBe("advisory");
    expect(
      await runResourcePolicy(containerMemoryLimit, {
        type: T.container,
        props: { name: "redis", memory: 256 },
      }),
    ).toEqual([]);
  });

  it("reports a missing or zero limit", async () => {
    for (const memory of [undefined, 0]) {
      const [message] = await runResourcePolicy(containerMemoryLimit, {
        type: T.container,
        props: { name: "redis", memory },
      });
      expect(message).toContain("Container 'redis'");
      expect(message).toContain("has no memory limit. Fix: set memory (MB).");
    }
  });
});
