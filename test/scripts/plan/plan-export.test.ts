import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { beforeAll, describe, expect, it } from "vitest";
import { SECRET_SIG_KEY, SECRET_SIG_VALUE } from "../../../scripts/engine/redact";
import type { RegisteredResource } from "../../../scripts/engine/run-program";
import { buildDeployment, UNKNOWN_ID } from "../../../scripts/plan/export-deployment";

const repo = resolve(__dirname, "../../..");
const schema = (name: string) => JSON.parse(readFileSync(join(repo, "schemas", name), "utf8")) as object;

/** pulumi/pulumi's three deployment schemas (draft 2020-12, joined by their $id URLs). */
function deploymentValidator() {
  // strictRequired lints schema authoring (a required name defined in a sibling branch), not data.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
  // Ajv resolves `$anchor` refs but does not declare the keyword, so strict mode refuses it
  // (ajv-validator/ajv#1854); declared here, the schemas compile unchanged.
  ajv.addKeyword("$anchor");
  // The only formats the schemas use; ajv ships no format checks without ajv-formats.
  ajv.addFormat("date-time", (s: string) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s),
  );
  ajv.addFormat("uri", (s: string) => URL.canParse(s));
  // property-values.json puts `$anchor: property_value` on its root, and ajv registers anchors only
  // below the root: the same target is "#", so its refs are pointed there (the file stays as published).
  ajv.addSchema(
    JSON.parse(
      JSON.stringify(schema("pulumi-property-values.json")).replaceAll(
        '"$ref":"#property_value"',
        '"$ref":"#"',
      ),
    ) as object,
  );
  ajv.addSchema(schema("pulumi-resources.json"));
  return ajv.compile(schema("pulumi-deployments.json"));
}

interface Resource {
  urn: string;
  custom: boolean;
  id?: string;
  type: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  parent?: string;
  provider?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
}
interface Exported {
  version: number;
  deployment: {
    manifest: { version: string; magic: string };
    resources: Resource[];
    metadata: { titanOfflinePlan: { fakedSecrets: { key: string; reason: string }[] } };
  };
}

const isEnvelope = (v: unknown): v is Record<string, string> =>
  v !== null && typeof v === "object" && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG_VALUE;

/** Every secret envelope, and the document with each replaced by "[secret]". */
function splitSecrets(
  value: unknown,
  found: Record<string, string>[] = [],
): { rest: unknown; found: typeof found } {
  const walk = (v: unknown): unknown => {
    if (isEnvelope(v)) {
      found.push(v);
      return "[secret]";
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { rest: walk(value), found };
}

const out = join(mkdtempSync(join(tmpdir(), "titan-plan-export-")), "prod.deployment.json");
let doc: Exported;

beforeAll(() => {
  const run = spawnSync(
    join(repo, "node_modules/.bin/tsx"),
    [join(repo, "scripts/plan/index.ts"), "--stack", "prod", "--export", out],
    {
      cwd: repo,
      encoding: "utf8",
      timeout: 180_000,
    },
  );
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr).toMatch(
    /wrote \d+ resources to .*prod\.deployment\.json \(secrets as envelopes of offline fakes\)/,
  );
  doc = JSON.parse(readFileSync(out, "utf8")) as Exported;
}, 200_000);

describe("npm run plan -- --export FILE", () => {
  it("validates against pulumi/pulumi's published deployment schema", () => {
    const validate = deploymentValidator();
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(doc.version).toBe(3);
  });

  it("the schema check can fail: a field ResourceV3 does not allow, and a secret with both forms", () => {
    const validate = deploymentValidator();
    const extra = structuredClone(doc);
    (extra.deployment.resources[1] as unknown as Record<string, unknown>).retainOnDelete = true;
    expect(validate(extra)).toBe(false);
    const both = structuredClone(doc);
    const target = both.deployment.resources[1];
    if (!target) throw new Error("the export has no second resource");
    target.inputs.x = {
      [SECRET_SIG_KEY]: SECRET_SIG_VALUE,
      plaintext: '"a"',
      ciphertext: "b",
    };
    expect(validate(both)).toBe(false);
  });

  it("passes the engine's integrity rules: parents, dependencies and providers first; provider references resolve", () => {
    const seen = new Map<string, Resource>();
    for (const r of doc.deployment.resources) {
      if (!r.custom) expect(r.id, r.urn).toBeUndefined();
      for (const before of [
        r.parent,
        ...(r.dependencies ?? []),
        ...Object.values(r.propertyDependencies ?? {}).flat(),
      ])
        if (before) expect(seen.has(before), `${r.urn} needs ${before} first`).toBe(true);
      if (r.provider) {
        const cut = r.provider.lastIndexOf("::");
        const provider = seen.get(r.provider.slice(0, cut));
        expect(provider?.type, r.urn).toMatch(/^pulumi:providers:/);
        expect(r.provider.slice(cut + 2)).toBe(provider?.id);
      }
      seen.set(r.urn, r);
    }
    const stack = doc.deployment.resources[0];
    expect(stack?.type).toBe("pulumi:pulumi:Stack");
    const droplet = doc.deployment.resources.find((r) => r.urn.endsWith("::trading-droplet"));
    expect(droplet?.provider).toBe(
      `urn:pulumi:prod::titan-infra::pulumi:providers:digitalocean::default_4_80_1::${UNKNOWN_ID}`,
    );
    expect(droplet).not.toHaveProperty("id");
    expect((droplet as unknown as { protect?: boolean }).protect).toBe(true);
  });

  it("holds no fake or real secret in plain text: every secret is an envelope, its fakes named in metadata", () => {
    const { rest, found } = splitSecrets(doc);
    const plain = JSON.stringify(rest);
    expect(plain).not.toMatch(/offline-fake-/);
    expect(plain).not.toMatch(/BEGIN FAKE OFFLINE EC KEY/);
    expect(found.length).toBeGreaterThan(20);
    for (const e of found) {
      expect(Object.keys(e).sort()).toEqual([SECRET_SIG_KEY, "plaintext"].sort());
      expect(() => JSON.parse(e.plaintext ?? "")).not.toThrow();
    }
    // A generated password's result, a TLS key's PEM: secret outputs (additionalSecretOutputs).
    const password = doc.deployment.resources.find(
      (r) => r.type === "random:index/randomPassword:RandomPassword",
    );
    expect(isEnvelope(password?.outputs.result)).toBe(true);
    const key = doc.deployment.resources.find((r) => r.type === "tls:index/privateKey:PrivateKey");
    expect(isEnvelope(key?.outputs.privateKeyPem)).toBe(true);
    const pem = key?.outputs.privateKeyPem as Record<string, string> | undefined;
    expect(JSON.parse(pem?.plaintext ?? '""')).toMatch(/^-----BEGIN FAKE OFFLINE EC KEY-----/);
    expect(doc.deployment.metadata.titanOfflinePlan.fakedSecrets).toContainEqual({
      key: "titan:bybitSecretKey",
      reason: "not set",
    });
  });
});

describe("buildDeployment's guard", () => {
  it("refuses to write a fake secret outside an envelope", () => {
    const leaked: RegisteredResource = {
      urn: "urn:pulumi:prod::titan-infra::random:index/randomId:RandomId::x",
      type: "random:index/randomId:RandomId",
      name: "x",
      custom: true,
      inputs: { prefix: "tok-FAKE-VALUE-123" },
      options: {
        protect: false,
        ignoreChanges: [],
        retainOnDelete: false,
        deleteBeforeReplace: false,
        dependsOn: [],
        additionalSecretOutputs: [],
      },
      dependencies: [],
    };
    const build = (inputs: Record<string, unknown>) =>
      buildDeployment({
        project: "titan-infra",
        stack: "prod",
        resources: [{ ...leaked, inputs }],
        stackOutputs: {},
        fakedSecrets: [],
        fakeValues: ["tok-FAKE-VALUE-123"],
      });
    expect(() => build({ prefix: "tok-FAKE-VALUE-123" })).toThrow(
      "export: a fake secret would be written in plain text at .deployment.resources[2].inputs.prefix",
    );
    const wrapped = build({ prefix: { [SECRET_SIG_KEY]: SECRET_SIG_VALUE, value: "tok-FAKE-VALUE-123" } });
    expect(wrapped.deployment.resources[2]?.inputs.prefix).toEqual({
      [SECRET_SIG_KEY]: SECRET_SIG_VALUE,
      plaintext: '"tok-FAKE-VALUE-123"',
    });
  });
});
