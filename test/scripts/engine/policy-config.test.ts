// Policy pack config parity with the Pulumi engine (pulumi/pulumi pkg/resource/analyzer/config.go,
// ReconcilePolicyPackConfig and parsePolicyPackConfig; cases follow the behaviours its tests
// document, written here in our own words): the pure functions first, then the same cases through
// the driver against the real pack.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareCompiledPack } from "../../../scripts/engine/compiled-pack";
import {
  PolicyConfigError,
  type PolicyMetadata,
  parsePolicyPackConfig,
  reconcilePolicyPackConfig,
} from "../../../scripts/engine/policy-config";
import { startPolicyPack } from "../../../scripts/engine/policy-engine";

const POLICY_SOURCE = path.resolve(__dirname, "../../../policy");

const errorsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    if (error instanceof PolicyConfigError) return error.errors;
    throw error;
  }
  return [];
};

describe("parsePolicyPackConfig (engine parse rules)", () => {
  it.each(["", "   ", "\t", "\n"])("blank text %j is no config", (text) => {
    expect(parsePolicyPackConfig(text).policies.size).toBe(0);
  });

  it("string levels, `all`, object settings; empty entries dropped", () => {
    const parsed = parsePolicyPackConfig(
      '{"all":"mandatory","p1":{"foo":"one"},"p2":"advisory","p3":{},"p4":{"enforcementLevel":"remediate","x":1}}',
    );
    expect(Object.fromEntries(parsed.policies)).toEqual({
      all: { enforcementLevel: "mandatory" },
      p1: { properties: { foo: "one" } },
      p2: { enforcementLevel: "advisory" },
      p4: { enforcementLevel: "remediate", properties: { x: 1 } },
    });
  });

  it.each([
    ['{"foo":[]}', 'parsing "foo": [] is not a valid value; must be a string or object'],
    ['{"foo":null}', 'parsing "foo": <nil> is not a valid value; must be a string or object'],
    ['{"foo":0}', 'parsing "foo": 0 is not a valid value; must be a string or object'],
    ['{"foo":true}', 'parsing "foo": true is not a valid value; must be a string or object'],
    ['{"foo":""}', 'parsing enforcement level for "foo": "" is not a valid enforcement level'],
    ['{"foo":"bar"}', 'parsing enforcement level for "foo": "bar" is not a valid enforcement level'],
    [
      '{"foo":{"enforcementLevel":null}}',
      'parsing enforcement level for "foo": <nil> is not a valid enforcement level; must be a string',
    ],
    [
      '{"foo":{"enforcementLevel":1}}',
      'parsing enforcement level for "foo": 1 is not a valid enforcement level; must be a string',
    ],
    [
      '{"foo":{"enforcementLevel":[]}}',
      'parsing enforcement level for "foo": [] is not a valid enforcement level; must be a string',
    ],
    [
      '{"foo":{"enforcementLevel":"bar"}}',
      'parsing enforcement level for "foo": "bar" is not a valid enforcement level',
    ],
    ['{"environments":"org/x"}', '"environments" must be an array of strings, got string'],
    ['{"environments":[123]}', '"environments[0]" must be a string, got float64'],
    ["[1]", "policy pack config must be a JSON object, got []interface {}"],
  ])("refuses %s", (text, message) => {
    expect(errorsOf(() => parsePolicyPackConfig(text))).toEqual([message]);
  });

  it("refuses text that is not JSON (the CLI's json.Unmarshal fails)", () => {
    expect(errorsOf(() => parsePolicyPackConfig('{"foo":undefined}'))[0]).toMatch(
      /^policy pack config is not JSON: /,
    );
  });

  it("takes `environments` out of the policies", () => {
    const parsed = parsePolicyPackConfig(
      '{"environments":["org/a","org/b"],"p":{"enforcementLevel":"mandatory","m":1}}',
    );
    expect(parsed.environments).toEqual(["org/a", "org/b"]);
    expect([...parsed.policies.keys()]).toEqual(["p"]);
    expect(parsePolicyPackConfig('{"environments":[],"p":"advisory"}').environments).toEqual([]);
  });

  it("does not mutate a parsed object it is given", () => {
    const given = { p: { enforcementLevel: "mandatory", x: 1 } };
    parsePolicyPackConfig(given);
    expect(given).toEqual({ p: { enforcementLevel: "mandatory", x: 1 } });
  });
});

const policy = (
  name: string,
  properties: Record<string, Record<string, unknown>>,
  required?: string[],
  enforcementLevel: PolicyMetadata["enforcementLevel"] = "advisory",
): PolicyMetadata => ({
  name,
  enforcementLevel,
  configSchema: { properties, ...(required ? { required } : {}) },
});

const reconcile = (policies: PolicyMetadata[], text: string) =>
  reconcilePolicyPackConfig(policies, parsePolicyPackConfig(text));

describe("reconcilePolicyPackConfig (engine reconcile + validate)", () => {
  it("defaults from the schema, then all, then per-policy levels and merged settings", () => {
    const policies = [
      policy("a", { x: { type: "string", default: "dx" }, y: { type: "integer", default: 1 } }),
      policy("b", {}, undefined, "mandatory"),
    ];
    const r = reconcile(policies, '{"all":"disabled","a":{"y":2},"b":"advisory"}');
    expect(r.errors).toEqual([]);
    expect(Object.fromEntries(r.config)).toEqual({
      a: { enforcementLevel: "disabled", properties: { x: "dx", y: 2 } },
      b: { enforcementLevel: "advisory", properties: {} },
    });
    // No config: each policy's own level and defaults.
    expect(reconcile(policies, "").config.get("b")?.enforcementLevel).toBe("mandatory");
  });

  it.each([
    [
      "required not set",
      policy("foo-policy", { foo: { type: "string" } }, ["foo"]),
      "{}",
      "foo-policy: foo is required",
    ],
    [
      "default of the wrong type",
      policy("foo-policy", { foo: { type: "string", default: 1 } }),
      "{}",
      "foo-policy: foo: Invalid type. Expected: string, given: integer",
    ],
    [
      "default too long",
      policy("foo-policy", { foo: { type: "string", maxLength: 3, default: "too long" } }),
      "{}",
      "foo-policy: foo: String length must be less than or equal to 3",
    ],
    [
      "default too short",
      policy("foo-policy", { foo: { type: "string", minLength: 50, default: "short" } }),
      "{}",
      "foo-policy: foo: String length must be greater than or equal to 50",
    ],
    [
      "default not in enum",
      policy("foo-policy", { foo: { type: "string", enum: ["bar", "baz"], default: "x" } }),
      "{}",
      'foo-policy: foo: foo must be one of the following: "bar", "baz"',
    ],
    [
      "default not matching the pattern",
      policy("foo-policy", { foo: { type: "string", pattern: "bar", default: "x" } }),
      "{}",
      'foo-policy: foo: foo does not match: "bar"',
    ],
    [
      "configured value of the wrong type",
      policy("foo-policy", { foo: { type: "string" } }),
      '{"foo-policy":{"foo":1}}',
      "foo-policy: foo: Invalid type. Expected: string, given: integer",
    ],
    [
      "configured value not in enum",
      policy("foo-policy", { foo: { type: "string", enum: ["bar", "baz"] } }),
      '{"foo-policy":{"foo":"x"}}',
      'foo-policy: foo: foo must be one of the following: "bar", "baz"',
    ],
    [
      "array item of the wrong type",
      policy("foo-policy", { foo: { type: "array", items: { type: "string" } } }),
      '{"foo-policy":{"foo":["a",2]}}',
      "foo-policy: foo.1: Invalid type. Expected: string, given: integer",
    ],
  ])("%s", (_name, p, text, message) => {
    expect(reconcile([p], text).errors).toEqual([message]);
  });

  it("reports every invalid field of every policy, sorted", () => {
    const policies = [
      policy("b", { n: { type: "integer", maximum: 3 } }),
      policy("a", { s: { type: "string" }, t: { type: "boolean" } }),
    ];
    expect(reconcile(policies, '{"b":{"n":4},"a":{"s":1,"t":"x"}}').errors).toEqual([
      "a: s: Invalid type. Expected: string, given: integer",
      "a: t: Invalid type. Expected: boolean, given: string",
      "b: n: Must be less than or equal to 3",
    ]);
  });

  it("a setting the schema does not name is allowed (additional properties), as in the CLI", () => {
    expect(reconcile([policy("a", { s: { type: "string" } })], '{"a":{"other":1}}').errors).toEqual([]);
  });

  it("warns (does not fail) on unknown policy names, `level`, and unresolved environments", () => {
    const r = reconcile(
      [policy("a", {})],
      '{"environments":["org/e"],"typo-policy":"mandatory","a":{"level":"mandatory"}}',
    );
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      "typo-policy: not a policy of this pack; the CLI ignores it (check the spelling)",
      'a: level: deprecated and not an enforcement level (the CLI passes it to the policy as a setting); use "enforcementLevel"',
      "environments: org/e not resolved offline (ESC environments need the Pulumi Cloud backend); settings they would supply are not applied",
    ]);
    // `level` does not change the level.
    expect(r.config.get("a")?.enforcementLevel).toBe("advisory");
  });
});

describe("through the driver, against the real pack", () => {
  let packDir: string;
  beforeAll(async () => {
    packDir = (await prepareCompiledPack(POLICY_SOURCE)).dir;
  }, 120_000);
  const fw = {
    urn: "urn:pulumi:prod::titan::digitalocean:index/firewall:Firewall::fw",
    type: "digitalocean:index/firewall:Firewall",
    name: "fw",
    properties: {
      tags: ["titan-edge"],
      inboundRules: [{ protocol: "tcp", portRange: "22", sourceAddresses: ["198.51.100.2/32"] }],
    },
  };

  it.each([
    [
      { "ssh-allowlist-only": { maxPrefixV4: "24" } },
      ["ssh-allowlist-only: maxPrefixV4: Invalid type. Expected: integer, given: string"],
    ],
    [
      { "ssh-allowlist-only": { maxPrefixV4: 33, allowlist: "10.0.0.0/8" } },
      [
        "ssh-allowlist-only: allowlist: Invalid type. Expected: array, given: string",
        "ssh-allowlist-only: maxPrefixV4: Must be less than or equal to 32",
      ],
    ],
    [
      { "droplet-baseline": "strict" },
      ['parsing enforcement level for "droplet-baseline": "strict" is not a valid enforcement level'],
    ],
  ])(
    "refuses %j",
    async (config, errors) => {
      const rejected = await startPolicyPack({ packDir, config }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(rejected).toBeInstanceOf(PolicyConfigError);
      expect((rejected as PolicyConfigError).errors).toEqual(errors);
    },
    60_000,
  );

  it("applies all + per-policy settings, ignores `level` with a warning, reports environments", async () => {
    const session = await startPolicyPack({
      packDir,
      config: JSON.stringify({
        environments: ["titan/prod"],
        "ssh-allowlist-only": { allowlist: ["198.51.100.0/28"], level: "disabled" },
        "egress-port-scoped": "mandatory",
      }),
    });
    try {
      expect(session.configWarnings).toEqual([
        'ssh-allowlist-only: level: deprecated and not an enforcement level (the CLI passes it to the policy as a setting); use "enforcementLevel"',
        "environments: titan/prod not resolved offline (ESC environments need the Pulumi Cloud backend); settings they would supply are not applied",
      ]);
      // The allow-list arrived; `level: disabled` did not disable it (a wider source is still refused).
      expect(await session.analyze(fw)).toEqual([]);
      const wide = {
        ...fw,
        properties: {
          ...fw.properties,
          inboundRules: [{ protocol: "tcp", portRange: "22", sourceAddresses: ["203.0.113.7/32"] }],
        },
      };
      expect((await session.analyze(wide)).map((d) => `${d.policyName}:${d.enforcementLevel}`)).toEqual([
        "ssh-allowlist-only:mandatory",
      ]);
    } finally {
      await session.close();
    }
  }, 60_000);
  afterAll(() => undefined);
});
