import { describe, expect, it } from "vitest";
import { intersectPatterns, reachableForbiddenSubject, subjectMatches } from "../../lib/nats-subjects";

describe("nats subjects", () => {
  it("matches * and > like nats-server", () => {
    expect(subjectMatches("titan.cmd.>", "titan.cmd.execution.place")).toBe(true);
    expect(subjectMatches("titan.cmd.>", "titan.cmd")).toBe(false);
    expect(subjectMatches("titan.*.execution.*", "titan.cmd.execution.x")).toBe(true);
    expect(subjectMatches("titan.*", "titan.cmd.x")).toBe(false);
    expect(subjectMatches(">", "a")).toBe(true);
    expect(subjectMatches("a.b", "a.b")).toBe(true);
    expect(subjectMatches("a.b", "a.b.c")).toBe(false);
  });

  it("intersects patterns", () => {
    expect(intersectPatterns(">", "titan.cmd.>")).toBe("titan.cmd.>");
    expect(intersectPatterns("titan.*.>", "titan.cmd.>")).toBe("titan.cmd.>");
    expect(intersectPatterns("*.cmd.execution.*", "titan.cmd.>")).toBe("titan.cmd.execution.*");
    expect(intersectPatterns("titan.evt.>", "titan.cmd.>")).toBeUndefined();
    expect(intersectPatterns("titan.cmd", "titan.cmd.>")).toBeUndefined();
    expect(intersectPatterns("titan.>", "titan")).toBeUndefined();
    expect(intersectPatterns("a.b", "a.b")).toBe("a.b");
    expect(intersectPatterns("a.b", "a.b.c")).toBeUndefined();
  });

  const forbidden = ["titan.cmd.>"];
  it("finds a witness when allow reaches the forbidden set", () => {
    expect(reachableForbiddenSubject({ allow: [">"], deny: [] }, forbidden, [])).toBe("titan.cmd.x");
    expect(reachableForbiddenSubject({ allow: ["titan.*.execution.*"], deny: [] }, forbidden, [])).toBe(
      "titan.cmd.execution.x",
    );
    expect(reachableForbiddenSubject({ allow: [">"], deny: ["titan.cmd.*"] }, forbidden, [])).toBe(
      "titan.cmd.x.x",
    );
    expect(
      reachableForbiddenSubject({ allow: ["titan.cmd.>"], deny: [] }, forbidden, ["titan.cmd.ai.>"]),
    ).toBe("titan.cmd.x");
  });

  it("honours deny lists and exemptions exactly", () => {
    expect(reachableForbiddenSubject({ allow: [">"], deny: ["titan.cmd.>"] }, forbidden, [])).toBeUndefined();
    expect(reachableForbiddenSubject({ allow: [">"], deny: ["titan.>"] }, forbidden, [])).toBeUndefined();
    expect(
      reachableForbiddenSubject({ allow: ["titan.cmd.ai.>"], deny: [] }, forbidden, ["titan.cmd.ai.>"]),
    ).toBeUndefined();
    expect(reachableForbiddenSubject({ allow: ["titan.evt.>"], deny: [] }, forbidden, [])).toBeUndefined();
    expect(reachableForbiddenSubject({ allow: [], deny: [] }, forbidden, [])).toBeUndefined();
  });

  it("does not match a subject shorter than the pattern", () => {
    expect(subjectMatches("titan.cmd.*", "titan.cmd")).toBe(false);
    expect(subjectMatches("titan.cmd.x", "titan.cmd")).toBe(false);
  });

  it("intersects a literal token with a wildcard, and never patterns of different lengths", () => {
    expect(intersectPatterns("titan.cmd.x", "titan.*.x")).toBe("titan.cmd.x");
    expect(intersectPatterns("titan.cmd", "titan.cmd.*")).toBeUndefined();
    expect(intersectPatterns("titan.cmd.*", "titan.cmd")).toBeUndefined();
  });

  it("finds a witness longer than every deny pattern when only the longest subjects get through", () => {
    // Denied every one- and two-token subject, the user still publishes a.b.c.
    expect(reachableForbiddenSubject({ allow: [">"], deny: ["*", "*.*"] }, [">"], [])).toBe("x.x.x");
    expect(
      reachableForbiddenSubject({ allow: [">"], deny: ["*", "*.*", "*.*.>"] }, [">"], []),
    ).toBeUndefined();
  });
});
