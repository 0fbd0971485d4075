import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffPlans, inputDiffs } from "../../../scripts/plan/diff-plans";
import { containerDowntime, readReplacementLatencies } from "../../../scripts/plan/downtime";
import {
  PlanDocumentError,
  type PlannedResource,
  parsePlanDocument,
  readPlanDocument,
} from "../../../scripts/plan/plan-document";
import { changeReport, renderChanges } from "../../../scripts/plan/render-changes";
import { pathMatches, readReplaceTable } from "../../../scripts/plan/replace-rules";

const table = readReplaceTable();
const latencies = readReplacementLatencies();
const CONTAINER = "docker:index/container:Container";
const PROVIDER = "urn:pulumi:prod::titan-infra::pulumi:providers:docker::trading-docker";
const urnOf = (type: string, name: string) => `urn:pulumi:prod::titan-infra::${type}::${name}`;

function resource(
  name: string,
  inputs: Record<string, unknown>,
  more: Partial<Omit<PlannedResource, "options">> & { options?: Partial<PlannedResource["options"]> } = {},
  type = CONTAINER,
): PlannedResource {
  const { options, ...rest } = more;
  return {
    urn: urnOf(type, name),
    type,
    name,
    custom: true,
    inputs,
    dependencies: [],
    ...rest,
    options: { deleteBeforeReplace: false, provider: `${PROVIDER}::id-1`, ...options },
  };
}

const dep = (name: string) => urnOf(CONTAINER, name);

/** A trading plane in the order issue 11 asks for: stores first, then brain and execution, then a strategy. */
function tradingPlane(release: string): PlannedResource[] {
  const service = (name: string, deps: string[], extra: Record<string, unknown> = {}) =>
    resource(
      name,
      { name, image: `ghcr.io/acme/${name}@sha256:${release}`, restart: "unless-stopped", ...extra },
      {
        dependencies: deps.map(dep),
      },
    );
  return [
    service("nats", []),
    service("postgres", []),
    service("redis", []),
    service("titan-brain", ["nats", "postgres", "redis"], { wait: true, waitTimeout: 560, stopTimeout: 30 }),
    service("titan-execution", ["nats"]),
    service("titan-hunter", ["titan-brain", "titan-execution"]),
  ];
}

describe("pathMatches: a change at or below a force-new path, or a block holding one", () => {
  it.each([
    ["envs", "envs[3]", true],
    ["image", "image", true],
    ["image", "imageX", false],
    ["subject.commonName", "subject", true],
    ["subject.commonName", "subject.organization", false],
    ["build.secrets[*].env", "build.secrets[2].env", true],
    ["build.secrets[*].env", "build.secrets[2].id", false],
    ["triggers", "triggers[0]", true],
  ])("rule %s, changed %s → %s", (rule, changed, expected) => {
    expect(pathMatches(rule, changed)).toBe(expected);
  });
});

describe("inputDiffs", () => {
  it("names each changed leaf by its path", () => {
    expect(inputDiffs({ a: { b: [1, 2] }, c: "x" }, { a: { b: [1, 3, 4] }, c: "x" })).toEqual([
      { path: "a.b[1]", old: 2, new: 3 },
      { path: "a.b[2]", old: undefined, new: 4 },
    ]);
  });
});

describe("data/replace-on-change.json", () => {
  it("names a source commit for every provider and marks docker.Container delete-before-replace", () => {
    const doc = JSON.parse(readFileSync("data/replace-on-change.json", "utf8")) as {
      sources: Record<string, { commit: string }>;
    };
    expect(Object.keys(doc.sources).sort()).toEqual(["command", "digitalocean", "docker", "random", "tls"]);
    for (const [pkg, source] of Object.entries(doc.sources))
      expect(source.commit, pkg).toMatch(/^[0-9a-f]{40}$/);
    const container = table.types[CONTAINER];
    expect(container?.deleteBeforeReplace).toBe(true);
    expect(container?.replaceOn).toEqual(expect.arrayContaining(["image", "envs", "labels", "uploads"]));
    // Updated in place by the provider: a restart policy or the health wait is not a replacement.
    expect(container?.replaceOn).not.toContain("restart");
    expect(container?.replaceOn).not.toContain("waitTimeout");
  });
});

describe("diffPlans", () => {
  it("a release change replaces every container, in dependency waves: stores, then brain and execution, then strategies", () => {
    const diff = diffPlans(tradingPlane("a".repeat(64)), tradingPlane("b".repeat(64)), table);
    expect(diff.changes.map((c) => [c.name, c.op, c.replaceReasons, c.deleteBeforeReplace])).toEqual(
      ["nats", "postgres", "redis", "titan-brain", "titan-execution", "titan-hunter"].map((n) => [
        n,
        "replace",
        ["image"],
        true,
      ]),
    );
    expect(diff.replaceWaves).toEqual([
      [dep("nats"), dep("postgres"), dep("redis")],
      [dep("titan-brain"), dep("titan-execution")],
      [dep("titan-hunter")],
    ]);
    expect(diff.unchanged).toBe(0);
  });

  it("orders replacements through resources that do not change (transitive dependencies)", () => {
    const plane = (tag: string) => [
      resource("nats", { image: `n${tag}` }),
      resource("gateway", { image: "g" }, { dependencies: [dep("nats")] }),
      resource("titan-brain", { image: `b${tag}` }, { dependencies: [dep("gateway")] }),
    ];
    const diff = diffPlans(plane("1"), plane("2"), table);
    expect(diff.replaceWaves).toEqual([[dep("nats")], [dep("titan-brain")]]);
    expect(diff.unchanged).toBe(1);
  });

  it("a no-op says nothing changes", () => {
    const diff = diffPlans(tradingPlane("a".repeat(64)), tradingPlane("a".repeat(64)), table);
    expect(diff).toEqual({ changes: [], unchanged: 6, replaceWaves: [] });
    const text = renderChanges(changeReport("old.json", diff, [], latencies), new Map());
    expect(text).toContain("  no changes: every resource is unchanged");
    expect(text).toContain("  +-0 to replace");
  });

  it("an added service is created and a removed one deleted", () => {
    const before = tradingPlane("a".repeat(64));
    const after = [
      ...before.filter((r) => r.name !== "titan-hunter"),
      resource("titan-console-api", { name: "c" }),
    ];
    const diff = diffPlans(before, after, table);
    expect(diff.changes.map((c) => [c.name, c.op])).toEqual([
      ["titan-console-api", "create"],
      ["titan-hunter", "delete"],
    ]);
    expect(diff.unchanged).toBe(5);
  });

  it("an input the provider updates in place is an update with the key named, not a replacement", () => {
    const before = [resource("redis", { image: "r", restart: "always" })];
    const after = [resource("redis", { image: "r", restart: "unless-stopped" })];
    const [change] = diffPlans(before, after, table).changes;
    expect(change).toMatchObject({ op: "update", changedKeys: ["restart"], replaceReasons: [] });
    expect(change?.diffs).toEqual([{ path: "restart", old: "always", new: "unless-stopped" }]);
  });

  it("a changed secret shows as [secret] => [secret] through its digest, and replaces when force-new", () => {
    const label = [{ label: "titan.config-sha256", value: "[secret]" }];
    const before = [resource("traefik", { labels: label }, { secretDigests: { "labels[0].value": "aaaa" } })];
    const after = [resource("traefik", { labels: label }, { secretDigests: { "labels[0].value": "bbbb" } })];
    const [change] = diffPlans(before, after, table).changes;
    expect(change).toMatchObject({ op: "replace", replaceReasons: ["labels"] });
    expect(change?.diffs).toEqual([{ path: "labels[0].value", old: "[secret]", new: "[secret]" }]);
  });

  it("replaces with a delete-before-replace resource the dependents whose force-new input comes from it", () => {
    const network = resource("net-bus", { name: "bus-1" }, {}, "docker:index/network:Network");
    const carrier = resource("nats-config", { image: "n1", start: false });
    const viaInput = resource(
      "nats",
      { image: "n", networkMode: "bus" },
      { dependencies: [carrier.urn, network.urn], propertyDependencies: { networkMode: [carrier.urn] } },
    );
    const viaDependsOn = resource("redis", { image: "r" }, { dependencies: [carrier.urn] });
    const before = [network, carrier, viaInput, viaDependsOn];
    const after = [network, { ...carrier, inputs: { image: "n2", start: false } }, viaInput, viaDependsOn];
    const diff = diffPlans(before, after, table);
    expect(diff.changes.map((c) => [c.name, c.op, c.replaceReasons])).toEqual([
      ["nats-config", "replace", ["image"]],
      ["nats", "replace", ["dependent: networkMode from nats-config"]],
    ]);
    expect(diff.replaceWaves).toEqual([[carrier.urn], [viaInput.urn]]);
  });

  it("replaces a resource whose provider reference moves to another provider", () => {
    const before = [resource("nats", { image: "n" })];
    const after = [resource("nats", { image: "n" }, { options: { provider: `${PROVIDER}-2::id-9` } })];
    expect(diffPlans(before, after, table).changes[0]).toMatchObject({
      op: "replace",
      replaceReasons: ["provider"],
    });
  });

  it("says when the table does not know a type", () => {
    const type = "digitalocean:index/certificate:Certificate";
    const [change] = diffPlans(
      [resource("cert", { name: "a" }, {}, type)],
      [resource("cert", { name: "b" }, {}, type)],
      table,
    ).changes;
    expect(change).toMatchObject({
      op: "update",
      ruleUnknown: ["digitalocean:index/certificate:Certificate is not in data/replace-on-change.json"],
    });
  });
});

describe("expected downtime of a replaced container", () => {
  it("brain: stop + remove + its time to healthy, bounded by stopTimeout + waitTimeout", () => {
    const r = latencies.replacement;
    const healthy = r.healthyByService.find((s) => s.match === "titan-brain")?.seconds;
    expect(healthy).toBeGreaterThan(latencies.steps.containerStartHealthy.seconds);
    expect(
      containerDowntime({ name: "titan-brain", wait: true, waitTimeout: 560, stopTimeout: 30 }, latencies),
    ).toEqual({
      kind: "down",
      expectedSeconds: r.containerStop.seconds + r.containerRemove.seconds + (healthy ?? 0),
      boundSeconds: 590,
      parts: {
        stop: r.containerStop.seconds,
        remove: r.containerRemove.seconds,
        healthy,
        stopTimeout: 30,
        waitTimeout: 560,
      },
    });
  });

  it("a config carrier is never started, so its replacement costs no downtime", () => {
    expect(containerDowntime({ name: "titan-brain-config", start: false }, latencies)).toEqual({
      kind: "never-started",
    });
  });

  it("a container that does not wait for health has no bound, and Docker's 10 s stop default", () => {
    const d = containerDowntime({ name: "nats" }, latencies);
    expect(d).toMatchObject({ kind: "down", parts: { stopTimeout: 10 } });
    expect(d).not.toHaveProperty("boundSeconds");
  });

  it("prints the downtime lines in replacement order", () => {
    const plane = tradingPlane("b".repeat(64));
    const diff = diffPlans(tradingPlane("a".repeat(64)), plane, table);
    const text = renderChanges(
      changeReport("old.json", diff, plane, latencies),
      new Map(plane.map((r) => [r.urn, r.name])),
    );
    expect(text).toContain(
      "  1. nats, postgres, redis\n  2. titan-brain, titan-execution\n  3. titan-hunter",
    );
    const lines = text.split("\n").filter((l) => /^ {2}[a-z-]+: ~\d+ s expected/.test(l));
    expect(lines.map((l) => l.trim().split(":")[0])).toEqual([
      "nats",
      "postgres",
      "redis",
      "titan-brain",
      "titan-execution",
      "titan-hunter",
    ]);
    expect(text).toContain("at most 590 s (stopTimeout 30 + waitTimeout 560) before pulumi up fails");
  });
});

describe("reading OLD.json", () => {
  const valid = { stack: "prod", project: "p", resources: [resource("nats", {})] };

  it("names the field a malformed document gets wrong", () => {
    const bad = { ...valid, resources: [{ ...valid.resources[0], urn: "x" }] };
    expect(() => parsePlanDocument(bad, "old.json")).toThrow(
      new PlanDocumentError(
        'old.json: not the output of `npm run plan -- --json`: resources.0.urn: Invalid string: must start with "urn:pulumi:"',
      ),
    );
    expect(() => parsePlanDocument([], "old.json")).toThrow(
      "old.json: not the output of `npm run plan -- --json`: (document): Invalid input: expected object, received array",
    );
  });

  it("refuses a resource listed twice, a file that is not JSON, and a missing file", () => {
    const twice = { ...valid, resources: [valid.resources[0], valid.resources[0]] };
    expect(() => parsePlanDocument(twice, "old.json")).toThrow(
      `old.json: resource ${dep("nats")} appears twice`,
    );
    const dir = mkdtempSync(join(tmpdir(), "plan-doc-"));
    writeFileSync(join(dir, "cut.json"), '{"stack": "prod", "resour');
    expect(() => readPlanDocument(join(dir, "cut.json"))).toThrow(/^.*cut\.json: not JSON \(/);
    expect(() => readPlanDocument(join(dir, "none.json"))).toThrow(
      `${join(dir, "none.json")}: cannot be read (ENOENT)`,
    );
  });

  it("accepts an older document without propertyDependencies or secretDigests", () => {
    expect(parsePlanDocument(valid, "old.json").resources[0]?.propertyDependencies).toBeUndefined();
  });
});
