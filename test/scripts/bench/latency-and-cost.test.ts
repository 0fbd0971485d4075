import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildDeployGraph } from "../../../scripts/bench/deploy-graph";
import {
  imagePullSeconds,
  type LatencyTable,
  lowerBoundSeconds,
  secondsOf,
} from "../../../scripts/bench/latency";
import { configForOnePolicy, policyCosts } from "../../../scripts/bench/policy-cost";
import { twoHosts } from "./graph-fixture";

const table = JSON.parse(readFileSync("data/deploy-latencies.json", "utf8")) as LatencyTable;

describe("data/deploy-latencies.json", () => {
  it("dates the table and justifies every step", () => {
    expect(table.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const [name, step] of Object.entries(table.steps)) {
      expect(step.seconds, name).toBeGreaterThanOrEqual(0);
      expect(step.source.length, name).toBeGreaterThan(10);
    }
    expect(table.imagePull.source.length).toBeGreaterThan(10);
  });
});

describe("latency of a node", () => {
  it("prices an image pull by its repository, the first match winning", () => {
    expect(imagePullSeconds("ghcr.io/o/titan-execution-rs@sha256:aa", table)).toBe(15);
    expect(imagePullSeconds("ghcr.io/o/titan-brain@sha256:aa", table)).toBe(35);
    expect(imagePullSeconds("unknown/thing@sha256:aa", table)).toBe(table.imagePull.defaultSeconds);
  });

  it("gives components no cost", () => {
    const graph = buildDeployGraph(twoHosts());
    const host = [...graph.values()].find((n) => n.type === "titan:infra:Host");
    expect(host && secondsOf(host, table)).toBe(0);
  });

  it("puts the lower bound at slowest droplet + cloud-init + slowest image + container health", () => {
    const graph = buildDeployGraph(twoHosts());
    const s = table.steps;
    expect(lowerBoundSeconds(graph.values(), table)).toBe(
      s.dropletCreate.seconds + s.cloudInit.seconds + 35 + s.containerStartHealthy.seconds,
    );
  });
});

describe("policyCosts", () => {
  it("subtracts the all-disabled baseline and sorts slowest first", () => {
    expect(policyCosts(10, { a: 12, b: 30, c: 10 })).toEqual([
      { policy: "b", ms: 20 },
      { policy: "a", ms: 2 },
      { policy: "c", ms: 0 },
    ]);
  });

  it("reports noise below the baseline as zero", () => {
    expect(policyCosts(10, { a: 9 })).toEqual([{ policy: "a", ms: 0 }]);
  });
});

describe("configForOnePolicy", () => {
  const policies = [
    { name: "ssh-allowlist-only", enforcementLevel: "mandatory" },
    { name: "secrets-rotation-epoch", enforcementLevel: "mandatory" },
    { name: "droplet-baseline", enforcementLevel: "mandatory" },
  ];
  const base = {
    "ssh-allowlist-only": { allowlist: ["203.0.113.10/32"] },
    "secrets-rotation-epoch": { enforcementLevel: "advisory", maxAgeQuarters: 1 },
  };

  it("keeps the one policy's properties and level and disables every other", () => {
    const config = configForOnePolicy(base, policies, "secrets-rotation-epoch");
    expect(config).toEqual({
      all: "disabled",
      "ssh-allowlist-only": { allowlist: ["203.0.113.10/32"], enforcementLevel: "disabled" },
      "secrets-rotation-epoch": { enforcementLevel: "advisory", maxAgeQuarters: 1 },
      "droplet-baseline": { enforcementLevel: "disabled" },
    });
  });

  it("uses the pack's own level when the base config sets none", () => {
    const config = configForOnePolicy(base, policies, "ssh-allowlist-only");
    expect(config["ssh-allowlist-only"]).toEqual({
      allowlist: ["203.0.113.10/32"],
      enforcementLevel: "mandatory",
    });
    expect(config["secrets-rotation-epoch"]).toEqual({ enforcementLevel: "disabled", maxAgeQuarters: 1 });
  });
});
