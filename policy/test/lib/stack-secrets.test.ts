import { randomBytes } from "node:crypto";
import type { PolicyResource } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import type { FoundText, UnknownValueError } from "../../lib/known";
import {
  containerNameOf,
  describePlace,
  knownEnvs,
  MIN_SECRET_LENGTH,
  stackSecrets,
} from "../../lib/stack-secrets";
import { resource, T } from "../fixtures";
import { fakeSecret, G } from "../graph-fixtures";
import { policyStack, UNKNOWN_STRING } from "../stack-graph";

/** One resource as a stack policy receives it (props behind the SDK's unknown-checking proxy). */
const one = (type: string, name: string, props: Record<string, unknown>): PolicyResource =>
  policyStack([resource(type, name, props)])[0] as PolicyResource;
const containerWith = (props: Record<string, unknown>, name = "titan-hunter") =>
  one(T.container, name, { name, ...props });
/** Fake base64 text of a given length (never a real key). */
const fakeBase64 = (length: number) => randomBytes(length).toString("base64").slice(0, length);

describe("knownEnvs", () => {
  it("splits each NAME=value entry at the first '=' and trims both sides", () => {
    const secret = fakeSecret("env");
    const envs = knownEnvs(
      containerWith({ envs: [` BYBIT_SECRET_KEY = ${secret}=x `, " FLAG ", "=orphan"] }),
      [],
    );
    expect(envs).toEqual([
      { name: "BYBIT_SECRET_KEY", value: `${secret}=x`, path: "envs.0" },
      { name: "FLAG", value: "", path: "envs.1" },
      { name: "", value: "orphan", path: "envs.2" },
    ]);
  });

  it("reads every entry of a long env list (paths past envs.9)", () => {
    const envs = Array.from({ length: 12 }, (_, i) => `VAR_${i}=v${i}`);
    const read = knownEnvs(containerWith({ envs }), []);
    expect(read).toHaveLength(12);
    expect(read[11]).toEqual({ name: "VAR_11", value: "v11", path: "envs.11" });
  });

  it("takes only the strings of an env list, not nested values or a bare string", () => {
    expect(knownEnvs(containerWith({ envs: [{ name: "KEY=x" }, ["TOKEN=y"]] }), [])).toEqual([]);
    expect(knownEnvs(containerWith({ envs: "TOKEN=y" }), [])).toEqual([]);
  });

  it("records an unknown env list and an unknown entry, and keeps the known ones", () => {
    const unknowns: UnknownValueError[] = [];
    expect(knownEnvs(containerWith({ envs: UNKNOWN_STRING }), unknowns)).toEqual([]);
    expect(unknowns.map((e) => e.props.join("."))).toEqual(["envs"]);
    const more: UnknownValueError[] = [];
    expect(knownEnvs(containerWith({ envs: ["A=b", UNKNOWN_STRING] }), more)).toEqual([
      { name: "A", value: "b", path: "envs.0" },
    ]);
    expect(more.map((e) => e.props.join("."))).toEqual(["envs.1"]);
  });
});

describe("containerNameOf", () => {
  it("names a container by its Docker name, not its Pulumi resource name", () => {
    const c = one(T.container, "hunter-logical", { name: "titan-hunter" });
    expect(containerNameOf(c, [])).toBe("titan-hunter");
  });

  it("falls back to the resource name when the Docker name is missing, empty or unknown", () => {
    expect(containerNameOf(one(T.container, "hunter-logical", {}), [])).toBe("hunter-logical");
    expect(containerNameOf(one(T.container, "hunter-logical", { name: "" }), [])).toBe("hunter-logical");
    const unknowns: UnknownValueError[] = [];
    expect(containerNameOf(one(T.container, "hunter-logical", { name: UNKNOWN_STRING }), unknowns)).toBe(
      "hunter-logical",
    );
    expect(unknowns).toHaveLength(1);
  });
});

describe("describePlace", () => {
  const all: FoundText[] = [
    { path: "envs.0", text: " FEED = wss://x" },
    { path: "labels.1.label", text: "x.key" },
    { path: "labels.1.value", text: "v" },
    { path: "labels.2.value", text: "v" },
    { path: "uploads.0.file", text: "/etc/titan/keys.json" },
    { path: "uploads.0.content", text: "c" },
    { path: "uploads.1.content", text: "c" },
    { path: "command.2", text: "c" },
    { path: "entrypoints.0", text: "c" },
    { path: "healthcheck.tests.1", text: "c" },
    { path: "workingDir", text: "c" },
  ];
  const at = (path: string) => describePlace(all.find((t) => t.path === path) as FoundText, all);

  it("names an env by its trimmed variable name, never its value", () => {
    expect(at("envs.0")).toBe("env FEED");
  });

  it("names a label by its key and an upload by its file, '?' when the sibling is missing", () => {
    expect(at("labels.1.value")).toBe("label x.key");
    expect(at("labels.2.value")).toBe("label ?");
    expect(at("uploads.0.content")).toBe("upload /etc/titan/keys.json");
    expect(at("uploads.1.content")).toBe("upload ?");
  });

  it("names the command, entrypoint, healthcheck, and any other property by its path", () => {
    expect(at("command.2")).toBe("command");
    expect(at("entrypoints.0")).toBe("entrypoint");
    expect(at("healthcheck.tests.1")).toBe("healthcheck");
    expect(at("workingDir")).toBe("property workingDir");
  });
});

describe("stackSecrets", () => {
  const values = (rs: PolicyResource[], names: string[] = []) =>
    stackSecrets(rs, names, []).map((s) => s.value);

  it("takes container envs with a secret name or a configured name, not other envs or secret file paths", () => {
    const key = fakeSecret("bybit");
    const configured = fakeSecret("seed");
    const c = containerWith({
      envs: [
        `BYBIT_SECRET_KEY=${key}`,
        `EXCHANGE_SEED=${configured}`,
        `FEED_URL=wss://stream.example.test/v5/public`,
        "HMAC_KEY_FILE=/run/secrets/hmac-secret-file",
      ],
    });
    expect(stackSecrets([c], ["EXCHANGE_SEED"], [])).toEqual([
      { value: key, holder: "container 'titan-hunter' env BYBIT_SECRET_KEY", holderUrn: c.urn },
      { value: configured, holder: "container 'titan-hunter' env EXCHANGE_SEED", holderUrn: c.urn },
    ]);
  });

  it("skips a path under a file directory but still takes a secret that only starts with '/'", () => {
    // One base64 text in 64 starts with "/"; an operator's password may too.
    const slashed = `/${fakeBase64(31)}`;
    const underEtc = `/etcx${fakeBase64(20).replace(/[/+=]/g, "a")}`;
    const c = containerWith({
      envs: [
        `TITAN_MASTER_PASSWORD=${slashed}`,
        `API_SECRET=${underEtc}`,
        "NATS_TLS_KEY=/etc/titan/tls/nats.key",
        "HMAC_KEY_FILE=/run/secrets/hmac-secret-file",
        "DB_PASSWORD_FILE=/var/lib/titan/db-password",
      ],
    });
    expect(values([c])).toEqual([slashed, underEtc]);
  });

  it(`counts a value of exactly ${MIN_SECRET_LENGTH} characters and ignores a shorter one`, () => {
    const exact = randomBytes(8).toString("hex").slice(0, MIN_SECRET_LENGTH);
    const short = exact.slice(1);
    expect(values([containerWith({ envs: [`API_TOKEN=${exact}`, `OTHER_TOKEN=${short}`] })])).toEqual([
      exact,
    ]);
    expect(values([containerWith({ envs: [`API_TOKEN=${short}`] })])).toEqual([]);
  });

  it("takes a private key by each PEM body line, trimmed, headers and short lines left out", () => {
    const lines = [fakeBase64(64), fakeBase64(64), fakeBase64(40)];
    const tail = fakeBase64(39);
    // RFC 7468 allows any label; a long one must not become a "secret" every key of that type shares.
    const label = "TITAN FAKE TEST ONLY PRIVATE KEY";
    const pem = [
      `-----BEGIN ${label}-----`,
      `  ${lines[0]}  `,
      "",
      `\t${lines[1]}`,
      lines[2],
      tail,
      `-----END ${label}-----`,
      "",
    ].join("\r\n");
    const key = one(G.privateKey, "ssh-key", { privateKeyPem: pem });
    expect(stackSecrets([key], [], [])).toEqual(
      lines.map((value) => ({ value, holder: "PrivateKey 'ssh-key' privateKeyPem", holderUrn: key.urn })),
    );
  });

  it("takes generated secrets whole and skips fields that are missing or unknown", () => {
    const password = fakeSecret("pw");
    const rs = [
      one(G.randomPassword, "secrets-hmac", { result: password }),
      one(G.randomPassword, "not-yet", {}),
      one(G.privateKey, "no-pem-yet", {}),
    ];
    const unknowns: UnknownValueError[] = [];
    expect(stackSecrets(rs, [], unknowns).map((s) => [s.value, s.holder])).toEqual([
      [password, "RandomPassword 'secrets-hmac' result"],
    ]);
    const preview = [one(G.randomPassword, "at-preview", { result: UNKNOWN_STRING })];
    expect(stackSecrets(preview, [], unknowns)).toEqual([]);
    expect(unknowns.map((e) => e.props.join("."))).toEqual(["result"]);
  });
});
