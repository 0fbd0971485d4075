import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { EngineResource } from "../../../scripts/engine/policy-engine";
import { parseEnvs, secretScope } from "../../policies/secret-scope";
import { T } from "../fixtures";
import { fakeSecret, type GraphSecrets, graphSecrets, graphTopology, withProps } from "../graph-fixtures";
import { runResourcePolicy } from "../helpers";
import { judgeStack, judgeStackAtPreview, UNKNOWN_STRING } from "../stack-graph";

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

  it("accepts a tolerance of 0 seconds, the strictest window", async () => {
    expect(await check("titan-brain", ["HMAC_TIMESTAMP_TOLERANCE=0"])).toEqual([]);
  });

  it("skips entries that are not text and keeps an entry with an empty name as such", () => {
    expect(parseEnvs([null, { name: "HMAC_SECRET" }, true, "=orphan", "A=b"])).toEqual([
      { name: "", value: "orphan" },
      { name: "A", value: "b" },
    ]);
  });

  it("parses NAME=value entries with whitespace", () => {
    expect(parseEnvs([" HMAC_SECRET = x=y ", "FLAG", 7, ""])).toEqual([
      { name: "HMAC_SECRET", value: "x=y" },
      { name: "FLAG", value: "" },
      { name: "7", value: "" },
    ]);
  });
});

// secret-scope judged by values, not only names (issue 12): a scoped secret's value, taken where the
// scope table puts it, refused in any other container under any name, in an uploaded file, a label
// or a command; Docker registry credentials refused outside the Docker provider.
describe("secret-scope: by value (issue 12)", () => {
  const PROD = (
    JSON.parse(readFileSync(path.resolve(__dirname, "../../config.prod.json"), "utf8")) as Record<
      string,
      Record<string, unknown>
    >
  )["secret-scope"] as Record<string, unknown>;
  const check = async (rs: EngineResource[], config: Record<string, unknown> = PROD) =>
    (await judgeStack(secretScope, rs, config)).map((v) => v.message);
  const urn = (name: string) => `urn:pulumi:prod::titan::docker:index/container:Container::${name}`;
  const FIX_OTHER =
    "Fix: give this container its own credential or none; never copy another container's secret under another name, into a file, a label or a command.";

  function stack(
    change: (s: GraphSecrets) => [string, (p: Record<string, unknown>) => Record<string, unknown>][],
  ) {
    const s = graphSecrets();
    let rs = graphTopology(s);
    for (const [name, fn] of change(s)) rs = withProps(rs, name, fn);
    return rs;
  }
  const addEnv = (env: string) => (p: Record<string, unknown>) => ({
    ...p,
    envs: [...((p.envs as string[]) ?? []), env],
  });

  describe("secret-scope: values", () => {
    it("passes the graph: each secret where its scope puts it, sentinel's HMAC shared by sharedValues", async () => {
      expect(await check(graphTopology())).toEqual([]);
    });

    it("refuses another container holding a scoped value under another env name (adversarial)", async () => {
      const rs = stack((s) => [["titan-hunter", addEnv(`EXCHANGE_TOKEN=${s.bybitSecret}`)]]);
      expect(await check(rs)).toEqual([
        `Container 'titan-hunter' (${urn("titan-hunter")}) holds the value of BYBIT_SECRET_KEY (held by titan-execution) in env EXCHANGE_TOKEN, which only titan-execution may hold. ${FIX_OTHER}`,
      ]);
      // Embedded in a longer value is still the value.
      const url = stack((s) => [["titan-hunter", addEnv(`FEED=wss://x/?k=${s.bybitSecret}&v=1`)]]);
      expect((await check(url))[0]).toContain(
        "holds the value of BYBIT_SECRET_KEY (held by titan-execution) in env FEED",
      );
      // Encoded is still the value: base64 inside a longer encoded text, and hex.
      const encoded = stack((s) => [
        ["titan-hunter", addEnv(`FEED=${Buffer.from(`k:${s.bybitSecret}`).toString("base64")}`)],
        ["titan-hunter", addEnv(`SEED=${Buffer.from(s.bybitSecret).toString("hex")}`)],
      ]);
      expect(await check(encoded)).toEqual([
        `Container 'titan-hunter' (${urn("titan-hunter")}) holds the value of BYBIT_SECRET_KEY (held by titan-execution) (base64-encoded) in env FEED, which only titan-execution may hold. ${FIX_OTHER}`,
        `Container 'titan-hunter' (${urn("titan-hunter")}) holds the value of BYBIT_SECRET_KEY (held by titan-execution) (hex-encoded) in env SEED, which only titan-execution may hold. ${FIX_OTHER}`,
      ]);
    });

    it("refuses the value in an upload, text or base64, a label or a command of another container", async () => {
      const upload = stack((s) => [
        [
          "titan-hunter",
          (p) => ({ ...p, uploads: [{ file: "/etc/titan/keys.json", content: `{"k":"${s.bybitSecret}"}` }] }),
        ],
      ]);
      expect(await check(upload)).toEqual([
        `Container 'titan-hunter' (${urn("titan-hunter")}) holds the value of BYBIT_SECRET_KEY (held by titan-execution) in upload /etc/titan/keys.json, which only titan-execution may hold. ${FIX_OTHER}`,
      ]);
      const b64 = stack((s) => [
        [
          "titan-hunter",
          (p) => ({
            ...p,
            uploads: [{ file: "/etc/titan/k", contentBase64: Buffer.from(s.bybitSecret).toString("base64") }],
          }),
        ],
      ]);
      expect((await check(b64))[0]).toContain("in upload /etc/titan/k, which only titan-execution may hold");
      const label = stack((s) => [
        ["titan-hunter", (p) => ({ ...p, labels: [{ label: "x.key", value: s.hmac }] })],
      ]);
      expect((await check(label))[0]).toContain(
        "holds the value of HMAC_SECRET (held by titan-brain) in label x.key, which only titan-brain, titan-execution, titan-sentinel may hold.",
      );
      const command = stack((s) => [
        ["postgres", (p) => ({ ...p, command: ["run", `--key=${s.bybitSecret}`] })],
      ]);
      expect((await check(command))[0]).toContain("Container 'postgres'");
      expect((await check(command))[0]).toContain("in command, which only titan-execution may hold");
    });

    it("refuses the holder itself putting its secret in a label or command; its own upload is fine", async () => {
      const rs = stack((s) => [["titan-execution", (p) => ({ ...p, command: ["exec", s.bybitSecret] })]]);
      expect(await check(rs)).toEqual([
        `Container 'titan-execution' (${urn("titan-execution")}) puts the value of BYBIT_SECRET_KEY (held by titan-execution) in its command, which docker ps, docker inspect and label readers show. Fix: pass it only as the env var BYBIT_SECRET_KEY.`,
      ]);
      const own = stack((s) => [
        ["titan-execution", (p) => ({ ...p, uploads: [{ file: "/run/key", content: s.bybitSecret }] })],
      ]);
      expect(await check(own)).toEqual([]);
    });

    it("ignores values shorter than minValueLength (12): short config values coincide by chance", async () => {
      const short = withProps(
        withProps(graphTopology(), "titan-execution", addEnv("BINANCE_SECRET_KEY=short-val1")),
        "titan-hunter",
        addEnv("MODE=short-val1"),
      );
      expect(await check(short)).toEqual([]);
      expect(await check(short, { ...PROD, minValueLength: 8 })).toEqual([
        expect.stringContaining(
          "holds the value of BINANCE_SECRET_KEY (held by titan-execution) in env MODE",
        ),
      ]);
    });

    it("refuses one value under two scoped names not declared as shared (the union-of-scopes hole)", async () => {
      // Sentinel may hold TITAN_HMAC_SECRET; giving it execution's trading key under that name is refused.
      const rs = stack((s) => [
        ["titan-sentinel", (p) => ({ ...p, envs: [`TITAN_HMAC_SECRET=${s.bybitSecret}`] })],
      ]);
      expect(await check(rs)).toEqual([
        "Secrets BYBIT_SECRET_KEY, TITAN_HMAC_SECRET carry the same value (first: BYBIT_SECRET_KEY (held by titan-execution)), so each reaches the other's containers. Fix: give each secret its own value (names that may share one are listed in secret-scope's sharedValues).",
      ]);
      // Without the sharedValues group, sentinel's (legitimate) HMAC is refused the same way.
      expect((await check(graphTopology(), { ...PROD, sharedValues: [] }))[0]).toMatch(
        /^Secrets HMAC_SECRET, TITAN_HMAC_SECRET carry the same value/,
      );
    });

    it(`searches a scoped value of exactly minValueLength (12) characters`, async () => {
      const twelve = `fk${randomBytes(5).toString("hex")}`;
      const rs = withProps(
        withProps(graphTopology(), "titan-execution", addEnv(`BINANCE_SECRET_KEY=${twelve}`)),
        "titan-hunter",
        addEnv(`MODE=${twelve}`),
      );
      expect(await check(rs)).toEqual([
        `Container 'titan-hunter' (${urn("titan-hunter")}) holds the value of BINANCE_SECRET_KEY (held by titan-execution) in env MODE, which only titan-execution may hold. ${FIX_OTHER}`,
      ]);
    });

    it("reports a value copied twice into the same place once", async () => {
      const rs = stack((s) => [
        ["titan-hunter", (p) => ({ ...p, command: ["run", s.bybitSecret, s.bybitSecret] })],
      ]);
      expect(await check(rs)).toEqual([
        `Container 'titan-hunter' (${urn("titan-hunter")}) holds the value of BYBIT_SECRET_KEY (held by titan-execution) in command, which only titan-execution may hold. ${FIX_OTHER}`,
      ]);
    });

    it("names every env var that may carry a shared value when its holder shows it in a label", async () => {
      const rs = stack((s) => [
        ["titan-brain", (p) => ({ ...p, labels: [{ label: "x.sig", value: s.hmac }] })],
      ]);
      expect(await check(rs)).toEqual([
        `Container 'titan-brain' (${urn("titan-brain")}) puts the value of HMAC_SECRET (held by titan-brain) in its label x.sig, which docker ps, docker inspect and label readers show. Fix: pass it only as the env var HMAC_SECRET or TITAN_HMAC_SECRET.`,
      ]);
    });

    it("keeps the name check and the HMAC window", async () => {
      const rs = withProps(graphTopology(), "titan-hunter", addEnv("BYBIT_SECRET_KEY=x"));
      expect(await check(rs)).toEqual([
        `Container 'titan-hunter' (${urn("titan-hunter")}) receives secret BYBIT_SECRET_KEY, which only titan-execution may hold. Fix: remove BYBIT_SECRET_KEY from this container's envs.`,
      ]);
    });
  });

  describe("secret-scope: Docker registry credentials", () => {
    it("refuses the provider's registry token in a container", async () => {
      const rs = stack((s) => [["titan-hunter", addEnv(`GHCR=${s.registryToken}`)]]);
      expect(await check(rs)).toEqual([
        `Container 'titan-hunter' (${urn("titan-hunter")}) holds the registry credential of Docker provider 'edge-docker' in env GHCR. Fix: registry credentials belong only in the Docker provider's registryAuth, which pulls the images.`,
        `Container 'titan-hunter' (${urn("titan-hunter")}) holds the registry credential of Docker provider 'trading-docker' in env GHCR. Fix: registry credentials belong only in the Docker provider's registryAuth, which pulls the images.`,
      ]);
    });

    it("searches a registry password of minValueLength (12) characters, not a shorter one", async () => {
      const withPassword = (password: string, env: string) =>
        withProps(
          withProps(graphTopology(), "edge-docker", (p) => ({
            ...p,
            registryAuth: JSON.stringify([{ address: "registry.example.test", username: "ci", password }]),
          })),
          "titan-hunter",
          addEnv(env),
        );
      const twelve = `fk${randomBytes(5).toString("hex")}`;
      expect(await check(withPassword(twelve, `MIRROR=${twelve}`))).toEqual([
        `Container 'titan-hunter' (${urn("titan-hunter")}) holds the registry credential of Docker provider 'edge-docker' in env MIRROR. Fix: registry credentials belong only in the Docker provider's registryAuth, which pulls the images.`,
      ]);
      const eleven = twelve.slice(1);
      expect(await check(withPassword(eleven, `MIRROR=${eleven}`))).toEqual([]);
    });

    it("refuses a Docker config.json with auths, or DOCKER_AUTH_CONFIG, in any container; an empty auths passes", async () => {
      const auth = Buffer.from(`titan:${fakeSecret("other")}`).toString("base64");
      const config = stack(() => [
        [
          "titan-console",
          (p) => ({
            ...p,
            uploads: [
              { file: "/root/.docker/config.json", content: `{"auths":{"ghcr.io":{"auth":"${auth}"}}}` },
            ],
          }),
        ],
      ]);
      expect(await check(config)).toEqual([
        `Container 'titan-console' (${urn("titan-console")}) holds a Docker registry credential (config.json auths) in upload /root/.docker/config.json, in plain text on the host and in docker inspect. Fix: give registry credentials only to the Docker provider's registryAuth (a Pulumi secret).`,
      ]);
      const env = stack(() => [["titan-console", addEnv(`DOCKER_AUTH_CONFIG={"auths":{}}`)]]);
      expect((await check(env))[0]).toContain(
        "holds a Docker registry credential (DOCKER_AUTH_CONFIG) in env DOCKER_AUTH_CONFIG",
      );
      const empty = stack(() => [
        [
          "titan-console",
          (p) => ({
            ...p,
            uploads: [{ file: "/root/.docker/config.json", content: `{"auths":{"ghcr.io":{}}}` }],
          }),
        ],
      ]);
      expect(await check(empty)).toEqual([]);
    });
  });

  describe("secret-scope: unknown at preview", () => {
    it("names a Docker provider whose registryAuth is unknown", async () => {
      const rs = withProps(graphTopology(), "edge-docker", (p) => ({ ...p, registryAuth: UNKNOWN_STRING }));
      const { messages, unknown } = await judgeStackAtPreview(secretScope, rs, PROD);
      expect(messages).toEqual([]);
      expect(unknown).toBe(
        "1 value(s) in containers or Docker providers are unknown during preview (first: Docker provider 'edge-docker' .registryAuth); a secret's value cannot be compared before it is known, so where those values land is judged at pulumi up, when the engine sends final outputs",
      );
    });

    it("says which values could not be compared, after reporting what it could", async () => {
      const rs = withProps(
        withProps(graphTopology(), "titan-execution", (p) => ({
          ...p,
          envs: [...(p.envs as string[]), UNKNOWN_STRING],
        })),
        "titan-hunter",
        addEnv("BYBIT_SECRET_KEY=x"),
      );
      const { messages, unknown } = await judgeStackAtPreview(secretScope, rs, PROD);
      expect(messages).toEqual([
        expect.stringContaining("receives secret BYBIT_SECRET_KEY, which only titan-execution may hold"),
      ]);
      expect(unknown).toBe(
        "1 value(s) in containers or Docker providers are unknown during preview (first: container 'titan-execution' .envs.3); a secret's value cannot be compared before it is known, so where those values land is judged at pulumi up, when the engine sends final outputs",
      );
    });
  });
});
