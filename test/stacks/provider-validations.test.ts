// Every input the program gives a real provider, checked against what that provider refuses
// (data/provider-validations.json, each rule with its upstream file and line). Pulumi's mocks accept
// any value; the DigitalOcean uptime alerts' `sslExpiry` passed every test and would have failed the
// first `pulumi preview`. Both topologies, with and without the optional console-api, Slack webhook
// and registry auth. Secret values never reach a message.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SECRET_SIG_KEY, SECRET_SIG_VALUE } from "../../scripts/engine/redact";
import { runStack } from "../support/offline-stack";
import {
  type CheckedResource,
  checkResources,
  formatViolation,
  inputPaths,
  loadValidationTable,
  tableProblems,
  uncoveredInputs,
  type ValidationTable,
} from "../support/provider-validations";
import { type Topology, validRawConfig } from "../support/stack-config";

const table = loadValidationTable();
const CONSOLE_API = "titan-console-api";

/** A small table of hand-made rules, so the checker is tested apart from the real one. */
function miniTable(rules: ValidationTable["resources"][string]["rules"]): ValidationTable {
  return {
    providers: {
      p: { pulumiPackage: "x", repository: "o/r", version: "v1", commit: "a".repeat(40), note: "" },
    },
    resources: { "t:index/x:X": { provider: "p", file: "x.go", properties: { a: "a" }, rules } },
    shared: {},
  };
}
const res = (inputs: Record<string, unknown>): CheckedResource => ({
  type: "t:index/x:X",
  name: "x",
  inputs,
});
const secret = (value: unknown) => ({ [SECRET_SIG_KEY]: SECRET_SIG_VALUE, value });

describe("the provider-validation checker", () => {
  it("reports an enum miss with resource, path, value, rule and source", () => {
    const t = miniTable([{ path: "alerts[].type", kind: "enum", values: ["down", "ssl_expiry"], line: 46 }]);
    const v = checkResources(t, [res({ alerts: [{ type: "down" }, { type: "sslExpiry" }] })]);
    expect(v.map(formatViolation)).toEqual([
      `t:index/x:X 'x': alerts[1].type = "sslExpiry" breaks enum: one of ["down", "ssl_expiry"] [o/r@aaaaaaaaaaaa (v1) x.go:46]`,
    ]);
  });

  it("matches case-insensitively only when the rule says so", () => {
    const rule = { path: "env", kind: "enum", values: ["production"], line: 1 };
    expect(checkResources(miniTable([rule]), [res({ env: "Production" })])).toHaveLength(1);
    expect(checkResources(miniTable([{ ...rule, ignoreCase: true }]), [res({ env: "Production" })])).toEqual(
      [],
    );
  });

  it("reports a regex miss on each list element", () => {
    const t = miniTable([{ path: "tags[]", kind: "regex", pattern: "^[a-z0-9-]+$", line: 14 }]);
    const v = checkResources(t, [res({ tags: ["ok-1", "Not OK"] })]);
    expect(v.map((x) => [x.path, x.value])).toEqual([["tags[1]", '"Not OK"']]);
  });

  it("reports a range miss on both bounds and a non-number", () => {
    const t = miniTable([{ path: "hour", kind: "range", min: 0, max: 20, line: 189 }]);
    expect(checkResources(t, [res({ hour: 21 })])[0]?.rule).toBe("range: a number >= 0 and <= 20");
    expect(checkResources(t, [res({ hour: -1 })])).toHaveLength(1);
    expect(checkResources(t, [res({ hour: "4" })])).toHaveLength(1);
    expect(checkResources(t, [res({ hour: 20 })])).toEqual([]);
    expect(checkResources(t, [res({})])).toEqual([]);
  });

  it("reports a conflict, and exactly-one-of among siblings of each element", () => {
    const conflict = miniTable([{ path: "a", kind: "conflictsWith", paths: ["b"], line: 101 }]);
    expect(checkResources(conflict, [res({ a: "ext4", b: "xfs" })])[0]?.rule).toBe(
      "conflictsWith: not set together with b",
    );
    expect(checkResources(conflict, [res({ a: "ext4" })])).toEqual([]);
    const one = miniTable([
      { path: "uploads[].content", kind: "exactlyOneOf", paths: ["content", "source"], line: 522 },
    ]);
    const v = checkResources(one, [
      res({ uploads: [{ content: "x" }, { content: "x", source: "/f" }, { content: "" }] }),
    ]);
    expect(v.map((x) => x.path)).toEqual(["uploads[1].content", "uploads[2].content"]);
  });

  it("reports a missing required property, also one required only under a condition", () => {
    const t = miniTable([
      { path: "name", kind: "required", line: 75 },
      {
        path: "rules[].portRange",
        kind: "required",
        when: [{ path: "protocol", notIn: ["icmp"] }],
        line: 43,
      },
    ]);
    const v = checkResources(t, [res({ rules: [{ protocol: "icmp" }, { protocol: "tcp" }] })]);
    expect(v.map((x) => `${x.path} ${x.value}`)).toEqual(["name (unset)", "rules[1].portRange (unset)"]);
  });

  it("reports a value that needs another one (backup_policy without backups)", () => {
    const t = miniTable([
      { path: "policy", kind: "requiresValue", other: "backups", value: true, line: 346 },
    ]);
    expect(checkResources(t, [res({ backups: false, policy: { hour: 4 } })])).toHaveLength(1);
    expect(checkResources(t, [res({ backups: true, policy: { hour: 4 } })])).toEqual([]);
    expect(checkResources(t, [res({ backups: false })])).toEqual([]);
  });

  it("checks formats: CIDR, Go duration", () => {
    const t = miniTable([
      { path: "cidr", kind: "format", format: "cidr", line: 1 },
      { path: "every", kind: "format", format: "duration", line: 2 },
    ]);
    expect(checkResources(t, [res({ cidr: "10.20.0.0/20", every: "15s" })])).toEqual([]);
    expect(checkResources(t, [res({ cidr: "10.20.0.0", every: "15" })]).map((x) => x.path)).toEqual([
      "cidr",
      "every",
    ]);
  });

  it("never prints a secret value, inside or under a secret envelope", () => {
    const fake = `fake-${randomBytes(8).toString("hex")}`;
    const t = miniTable([
      { path: "key", kind: "regex", pattern: "^ok$", line: 1 },
      { path: "nested.inner", kind: "regex", pattern: "^ok$", line: 2 },
    ]);
    const v = checkResources(t, [res({ key: secret(fake), nested: secret({ inner: fake }) })]);
    expect(v.map((x) => [x.path, x.value])).toEqual([
      ["key", "[secret]"],
      ["nested.inner", "[secret]"],
    ]);
    expect(JSON.stringify(v)).not.toContain(fake);
  });

  it("skips a rule recorded as not enforced", () => {
    const t = miniTable([{ path: "a", kind: "length", max: 1, enforced: false, note: "ambiguous", line: 1 }]);
    expect(checkResources(t, [res({ a: "long" })])).toEqual([]);
  });

  it("lists input paths the table has not reviewed, and unknown types", () => {
    const t = miniTable([]);
    expect(inputPaths({ a: { m: "1" }, l: [{ x: 1 }], e: [] })).toEqual(["a.m", "e", "l[].x"]);
    expect(
      uncoveredInputs(t, [res({ a: { m: "1" }, b: 1 }), { type: "t:index/y:Y", name: "y", inputs: {} }]),
    ).toEqual([
      "t:index/x:X: input b not listed under properties",
      "t:index/y:Y: type not in data/provider-validations.json",
    ]);
  });
});

describe("data/provider-validations.json", () => {
  it("is well formed: known kinds and providers, a source line for every rule, full commit SHAs", () => {
    expect(tableProblems(table)).toEqual([]);
  });

  it("names the provider versions package.json pins", async () => {
    const pkg = (await import("../../package.json")).default as { dependencies: Record<string, string> };
    for (const p of Object.values(table.providers)) {
      const [name, version] = p.pulumiPackage.split(/@(?=[^@]*$)/);
      expect(pkg.dependencies[name as string], p.pulumiPackage).toBe(version);
    }
  });
});

interface Variant {
  stack: string;
  topology: Topology;
  options: boolean;
}

const VARIANTS: Variant[] = [
  { stack: "prod", topology: "split", options: false },
  { stack: "prod", topology: "split", options: true },
  { stack: "single", topology: "single", options: false },
  { stack: "single", topology: "single", options: true },
];

async function registered({ stack, topology, options }: Variant): Promise<CheckedResource[]> {
  const raw = validRawConfig(topology);
  const values: Record<string, string> = { ...raw.values };
  const secretKeys = new Set(raw.secretKeys);
  if (options) {
    values.services = JSON.stringify([CONSOLE_API]);
    values.serviceImages = JSON.stringify({
      [CONSOLE_API]: `ghcr.io/example-operator/${CONSOLE_API}:v1.0.0`,
    });
    values.alertSlackWebhook = `https://hooks.slack.com/services/TFAKE/BFAKE/${randomBytes(12).toString("hex")}`;
    values.registryAuth = `titan-deploy:fake-${randomBytes(8).toString("hex")}`;
    secretKeys.add("alertSlackWebhook");
    secretKeys.add("registryAuth");
  }
  const run = await runStack(values, secretKeys, stack);
  return run.resources.filter((r) => r.custom);
}

const seen = new Set<string>();

describe.each(VARIANTS)(
  "the $stack stack ($topology, optional services and secrets: $options)",
  (variant) => {
    it("gives every provider only inputs it accepts", async () => {
      const resources = await registered(variant);
      for (const r of resources) seen.add(r.type);
      expect(resources.length).toBeGreaterThan(50);
      expect(uncoveredInputs(table, resources)).toEqual([]);
      const violations = checkResources(table, resources).map(formatViolation);
      expect(violations, violations.join("\n")).toEqual([]);
    });
  },
);

describe("coverage of the table", () => {
  // Runs after the stacks above (one file runs its tests in order).
  it("every type in the table is registered by some stack, so no entry is dead", () => {
    expect(seen.size).toBeGreaterThan(0);
    expect(Object.keys(table.resources).filter((t) => !seen.has(t))).toEqual([]);
  });
});
