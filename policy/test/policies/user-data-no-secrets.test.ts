import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { EngineResource } from "../../../scripts/engine/policy-engine";
import { findSecretMaterial } from "../../lib/secret-patterns";
import { userDataNoSecrets } from "../../policies/user-data-no-secrets";
import { droplet, resource, T } from "../fixtures";
import { fakeSecret, G, type GraphSecrets, graphSecrets, graphTopology, withProps } from "../graph-fixtures";
import { runResourcePolicy } from "../helpers";
import { judgeStack, judgeStackAtPreview, UNKNOWN_STRING } from "../stack-graph";

const names = ["BYBIT_SECRET_KEY", "HMAC_SECRET"];

describe("user-data-no-secrets", () => {
  it("passes ordinary cloud-init", async () => {
    const d = droplet("edge", "titan-edge");
    expect(await runResourcePolicy(userDataNoSecrets, { type: T.droplet, props: d.properties })).toEqual([]);
    expect(
      findSecretMaterial(
        "lock_passwd: true\nssh_pwauth: false\nPasswordAuthentication no\npassword: ''\n",
        names,
      ),
    ).toEqual([]);
  });

  it("finds each kind of secret material", () => {
    expect(findSecretMaterial(`-----BEGIN OPENSSH ${"PRIVATE"} KEY-----\nabc`, names)).toContain(
      "a PEM private key",
    );
    expect(findSecretMaterial(`token=dop_v1_${"a".repeat(64)}`, names)).toContain("a DigitalOcean token");
    expect(findSecretMaterial(`x ghp_${"A".repeat(36)}`, names)).toContain("a GitHub token");
    // biome-ignore lint/security/noSecrets: test fixture, not a secret
    expect(findSecretMaterial(`AKIA${"ABCDEFGHIJKLMNOP"}`, names)).toContain("an AWS access key");
    expect(findSecretMaterial("export BYBIT_SECRET_KEY=abc123", names)).toContain(
      "a value for BYBIT_SECRET_KEY",
    );
    expect(findSecretMaterial("HMAC_SECRET: x", names)).toContain("a value for HMAC_SECRET");
    expect(findSecretMaterial("  db_password: hunter2", names)).toContain("a value for 'db_password'");
    expect(findSecretMaterial('"api_key": "abc"', names)).toContain("a value for 'api_key'");
  });

  it("reports the droplet without echoing the secret", async () => {
    const d = droplet("trading", "titan-trading", {
      userData: "#cloud-config\nwrite_files:\n  - content: BYBIT_SECRET_KEY=supersecret\n",
    });
    const [message] = await runResourcePolicy(userDataNoSecrets, {
      type: T.droplet,
      name: "trading",
      props: d.properties,
    });
    expect(message).toContain("Droplet 'trading'");
    expect(message).toContain("userData contains a value for BYBIT_SECRET_KEY");
    expect(message).toContain("Fix:");
    expect(message).not.toContain("supersecret");
  });
});

// user-data-no-secrets hole classes of issue 12: encoded write_files, credentials in URLs, and the
// false positive on a comment that only mentions a token.
describe("user-data-no-secrets: hole classes (issue 12)", () => {
  const urn = `urn:pulumi:test::titan::${T.droplet}::d`;
  const check = (userData: string) =>
    runResourcePolicy(userDataNoSecrets, { type: T.droplet, name: "d", props: { userData } });
  const said = (what: string) =>
    `Droplet 'd' (${urn}): userData contains ${what}. Fix: deliver secrets to containers over the Docker provider (envs or uploads), never in cloud-init.`;
  const FAKE_SECRET = `fake-${"x".repeat(12)}`;
  const writeFile = (encoding: string, content: string) =>
    `#cloud-config\nwrite_files:\n  - path: /etc/titan/env\n    encoding: ${encoding}\n    content: ${content}\n`;

  describe("user-data-no-secrets: holes", () => {
    it("decodes b64 and gz+b64 write_files and finds the secret inside", async () => {
      const plain = `HMAC_SECRET=${FAKE_SECRET}\n`;
      expect(await check(writeFile("b64", Buffer.from(plain).toString("base64")))).toEqual([
        said(
          "a value for HMAC_SECRET (in encoded write_files /etc/titan/env), a value for 'HMAC_SECRET' (in encoded write_files /etc/titan/env)",
        ),
      ]);
      expect(await check(writeFile("gz+b64", gzipSync(plain).toString("base64")))).toHaveLength(1);
      // Safe neighbour: encoded content without secrets.
      expect(await check(writeFile("b64", Buffer.from("LOG_LEVEL=info\n").toString("base64")))).toEqual([]);
      // Adversarial: content that cannot be decoded counts (fail closed).
      expect(await check(writeFile("gz+b64", Buffer.from("not gzip").toString("base64")))).toEqual([
        said("write_files /etc/titan/env that cannot be decoded"),
      ]);
    });
    it("decodes base64 wrapped over several lines, as base64 tools write it", async () => {
      const encoded = Buffer.from(`HMAC_SECRET=${FAKE_SECRET}\n`).toString("base64");
      const wrapped = `|\n${encoded
        .match(/.{1,12}/g)
        ?.map((l) => `      ${l}`)
        .join("\n")}`;
      expect(await check(writeFile("base64", wrapped))).toEqual([
        said(
          "a value for HMAC_SECRET (in encoded write_files /etc/titan/env), a value for 'HMAC_SECRET' (in encoded write_files /etc/titan/env)",
        ),
      ]);
    });
    it("judges text/plain write_files once, as the raw text they are", async () => {
      expect(await check(writeFile("text/plain", `HMAC_SECRET=${FAKE_SECRET}`))).toEqual([
        said("a value for HMAC_SECRET, a value for 'HMAC_SECRET'"),
      ]);
    });
    it("names an undecodable entry without a path '?', and passes an encoded entry without content", async () => {
      const noPath = `#cloud-config\nwrite_files:\n  - encoding: gz+b64\n    content: ${Buffer.from("not gzip").toString("base64")}\n`;
      expect(await check(noPath)).toEqual([said("write_files ? that cannot be decoded")]);
      expect(
        await check("#cloud-config\nwrite_files:\n  - path: /etc/titan/empty\n    encoding: b64\n"),
      ).toEqual([]);
    });
    it("searches user data that is not YAML (a shell script) as raw text", async () => {
      expect(await check("#!/bin/bash\nset -e\necho a: b: c\n")).toEqual([]);
      expect(await check(`#!/bin/bash\necho a: b: c\nexport HMAC_SECRET=${FAKE_SECRET}\n`)).toEqual([
        said("a value for HMAC_SECRET, a value for 'HMAC_SECRET'"),
      ]);
    });
    it("finds credentials in URLs", async () => {
      expect(
        await check(`#cloud-config\nruncmd:\n  - curl https://ops:${FAKE_SECRET}@example.com/x\n`),
      ).toEqual([said("credentials in a URL")]);
      expect(await check("#cloud-config\nruncmd:\n  - curl https://example.com/x\n")).toEqual([]);
    });
    it("a comment that mentions a token is not refused; a real token in a comment still is", async () => {
      expect(
        await check("#cloud-config\n# the token: is read by the agent from /run/secrets\nruncmd: []\n"),
      ).toEqual([]);
      expect(await check(`#cloud-config\n# key: -----BEGIN ${"OPENSSH"} PRIVATE KEY-----\n`)).toEqual([
        said("a PEM private key"),
      ]);
      expect(await check(`#cloud-config\nbootcmd:\n  - echo token: ${FAKE_SECRET}\n`)).toEqual([
        said("a value for 'token'"),
      ]);
    });
  });
});

// user-data-no-secrets compares droplet user data with the stack's own secret values (issue 12):
// container env values of secret-named variables, generated passwords, private keys, registry
// credentials; the message names the resource holding the secret and never prints it.
describe("user-data-no-secrets: by value (issue 12)", () => {
  const dropletUrn = "urn:pulumi:prod::titan::digitalocean:index/droplet:Droplet::trading";
  const said = (what: string) =>
    `Droplet 'trading' (${dropletUrn}): userData contains ${what}. Fix: deliver secrets to containers over the Docker provider (envs or uploads), never in cloud-init.`;
  const check = async (rs: EngineResource[]) =>
    (await judgeStack(userDataNoSecrets, rs)).map((v) => v.message);
  const withUserData = (rs: EngineResource[], userData: string) =>
    withProps(rs, "trading", (p) => ({ ...p, userData }));
  const runcmd = (line: string) => `#cloud-config\nruncmd:\n  - ${line}\n`;

  function stackWith(extra: EngineResource[] = []): { s: GraphSecrets; rs: EngineResource[] } {
    const s = graphSecrets();
    return { s, rs: [...graphTopology(s), ...extra] };
  }

  describe("user-data-no-secrets: the stack's own secret values", () => {
    it("passes the graph, whose user data carries no secret", async () => {
      expect(await check(graphTopology())).toEqual([]);
    });

    it("refuses a container's secret env value, under no recognisable name, naming every holder", async () => {
      const { s, rs } = stackWith();
      const messages = await check(withUserData(rs, runcmd(`echo ${s.hmac} > /opt/x`)));
      expect(messages).toEqual([
        said(
          "the value of container 'titan-brain' env HMAC_SECRET, the value of container 'titan-execution' env HMAC_SECRET, the value of container 'titan-sentinel' env TITAN_HMAC_SECRET",
        ),
      ]);
      expect(messages[0]).not.toContain(s.hmac);
      // Base64 on the command line is the same leak.
      const b64 = Buffer.from(s.hmac).toString("base64");
      expect(await check(withUserData(rs, runcmd(`echo ${b64} | base64 -d > /opt/x`)))).toEqual([
        said(
          "the value of container 'titan-brain' env HMAC_SECRET (base64-encoded), the value of container 'titan-execution' env HMAC_SECRET (base64-encoded), the value of container 'titan-sentinel' env TITAN_HMAC_SECRET (base64-encoded)",
        ),
      ]);
    });

    it("refuses a generated password inside encoded write_files", async () => {
      const result = fakeSecret("pw");
      const { rs } = stackWith([resource(G.randomPassword, "secrets-redis", { length: 32, result })]);
      const b64 = Buffer.from(`requirepass ${result}\n`).toString("base64");
      const userData = `#cloud-config\nwrite_files:\n  - path: /etc/redis.conf\n    encoding: b64\n    content: ${b64}\n`;
      expect(await check(withUserData(rs, userData))).toEqual([
        said("the value of RandomPassword 'secrets-redis' result (in encoded write_files /etc/redis.conf)"),
      ]);
    });

    it("refuses a private key's body even with its PEM armour stripped and re-indented", async () => {
      const lines = [0, 1, 2].map(() => randomBytes(48).toString("base64"));
      const pem = `-----BEGIN ${"PRIVATE"} KEY-----\n${lines.join("\n")}\n-----END ${"PRIVATE"} KEY-----\n`;
      const { rs } = stackWith([
        resource(G.privateKey, "nats-server-key", { algorithm: "ECDSA", privateKeyPem: pem }),
      ]);
      const userData = `#cloud-config\nwrite_files:\n  - path: /etc/k\n    content: |\n      ${lines[1]}\n`;
      expect(await check(withUserData(rs, userData))).toEqual([
        said("the value of PrivateKey 'nats-server-key' privateKeyPem"),
      ]);
    });

    it("refuses the Docker provider's registry token and a Docker config.json with auths", async () => {
      const { s, rs } = stackWith();
      expect(
        await check(
          withUserData(rs, runcmd(`echo ${s.registryToken} | docker login ghcr.io --password-stdin`)),
        ),
      ).toEqual([
        said(
          "the value of Docker provider 'edge-docker' registryAuth, the value of Docker provider 'trading-docker' registryAuth",
        ),
      ]);
      const auth = Buffer.from(`ci:${fakeSecret("other")}`).toString("base64");
      const config = `#cloud-config\nwrite_files:\n  - path: /root/.docker/config.json\n    content: '{"auths": {"ghcr.io": {"auth": "${auth}"}}}'\n`;
      expect(await check(withUserData(rs, config))).toEqual([
        said("a Docker registry credential (config.json auths)"),
      ]);
      expect(
        await check(withUserData(rs, runcmd(`docker login -u ci -p ${fakeSecret("x")} ghcr.io`))),
      ).toEqual([said("a Docker registry password on a docker login command line")]);
    });

    it("refuses an operator's password that starts with '/', which is not a file path", async () => {
      const { rs } = stackWith();
      const password = `/${fakeSecret("master")}`;
      const withPassword = withProps(rs, "titan-console", (p) => ({
        ...p,
        envs: [...((p.envs as string[] | undefined) ?? []), `TITAN_MASTER_PASSWORD=${password}`],
      }));
      expect(await check(withUserData(withPassword, runcmd(`echo '${password}' > /opt/x`)))).toEqual([
        said("the value of container 'titan-console' env TITAN_MASTER_PASSWORD"),
      ]);
    });

    it("ignores short values and path-valued secret names (safe neighbours)", async () => {
      const { rs } = stackWith();
      const shortEnv = withProps(rs, "titan-hunter", (p) => ({
        ...p,
        envs: ["API_KEY=short1", "NATS_TLS_KEY=/etc/titan/tls/nats.key"],
      }));
      expect(
        await check(withUserData(shortEnv, runcmd("mkdir -p /etc/titan/tls/nats.key.d short1"))),
      ).toEqual([]);
    });

    it("says the droplet's user data is unknown at preview", async () => {
      const { messages, unknown } = await judgeStackAtPreview(
        userDataNoSecrets,
        withUserData(graphTopology(), UNKNOWN_STRING),
      );
      expect(messages).toEqual([]);
      expect(unknown).toBe(
        "1 secret value(s) or user data are unknown during preview (first: Droplet 'trading' .userData), so user data cannot be compared with them yet; it is at pulumi up, when the engine sends final outputs",
      );
    });

    it("says which secret values are unknown at preview, after judging the rest", async () => {
      const { rs } = stackWith([
        resource(G.randomPassword, "secrets-new", { length: 32, result: UNKNOWN_STRING }),
      ]);
      const { messages, unknown } = await judgeStackAtPreview(
        userDataNoSecrets,
        withUserData(rs, runcmd("echo HMAC_SECRET=abcdef")),
      );
      expect(messages).toEqual([said("a value for HMAC_SECRET, a value for 'HMAC_SECRET'")]);
      expect(unknown).toBe(
        "1 secret value(s) or user data are unknown during preview (first: RandomPassword 'secrets-new' .result), so user data cannot be compared with them yet; it is at pulumi up, when the engine sends final outputs",
      );
    });
  });
});
