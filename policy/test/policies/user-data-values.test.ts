// user-data-no-secrets compares droplet user data with the stack's own secret values (issue 12):
// container env values of secret-named variables, generated passwords, private keys, registry
// credentials; the message names the resource holding the secret and never prints it.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { EngineResource } from "../../../scripts/engine/policy-engine";
import { userDataNoSecrets } from "../../policies/user-data-no-secrets";
import { resource } from "../fixtures";
import { fakeSecret, G, type GraphSecrets, graphSecrets, graphTopology, withProps } from "../graph-fixtures";
import { judgeStack, judgeStackAtPreview, UNKNOWN_STRING } from "../stack-graph";

const dropletUrn = "urn:pulumi:prod::titan::digitalocean:index/droplet:Droplet::trading";
const said = (what: string) =>
  `Droplet 'trading' (${dropletUrn}): userData contains ${what}. Fix: deliver secrets to containers over the Docker provider (envs or uploads), never in cloud-init.`;
const check = async (rs: EngineResource[]) => (await judgeStack(userDataNoSecrets, rs)).map((v) => v.message);
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
    expect(await check(withUserData(rs, runcmd(`docker login -u ci -p ${fakeSecret("x")} ghcr.io`)))).toEqual(
      [said("a Docker registry password on a docker login command line")],
    );
  });

  it("ignores short values and path-valued secret names (safe neighbours)", async () => {
    const { rs } = stackWith();
    const shortEnv = withProps(rs, "titan-hunter", (p) => ({
      ...p,
      envs: ["API_KEY=short1", "NATS_TLS_KEY=/etc/titan/tls/nats.key"],
    }));
    expect(await check(withUserData(shortEnv, runcmd("mkdir -p /etc/titan/tls/nats.key.d short1")))).toEqual(
      [],
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
