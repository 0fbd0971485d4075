// One case per NATS hole class through the analyzer protocol, under the prod policy config, on the
// safe split topology with only the NATS server changed.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type EngineResource,
  type PolicyPackSession,
  startPolicyPack,
} from "../../../scripts/engine/policy-engine";
import { BCRYPT_11, NATS_CONF, NOW_CONFIG, nats, safeSplitTopology } from "../fixtures";

const PACK_DIR = path.resolve(__dirname, "../..");
const prodConfig = JSON.parse(readFileSync(path.join(PACK_DIR, "config.prod.json"), "utf8")) as Record<
  string,
  Record<string, unknown>
>;

let pack: PolicyPackSession;

beforeAll(async () => {
  pack = await startPolicyPack({
    packDir: PACK_DIR,
    config: {
      ...prodConfig,
      "secrets-rotation-epoch": {
        ...prodConfig["secrets-rotation-epoch"],
        ...NOW_CONFIG["secrets-rotation-epoch"],
      },
    },
    stack: "prod",
    project: "titan",
  });
});

afterAll(async () => {
  await pack?.close();
});

const withNats = (props: Record<string, unknown>): EngineResource[] =>
  safeSplitTopology().map((r) => (r.name === "nats" ? nats(props) : r));
const withConf = (content: string) => withNats({ uploads: [{ file: "/etc/nats/nats.conf", content }] });
const addUser = (entry: string) => NATS_CONF.replace("  users = [\n", `  users = [\n    ${entry}\n`);
const userWith = (name: string, publish: string) =>
  `{ user: ${name}, password: "${BCRYPT_11}", permissions: { publish: ${publish} } }`;

async function natsFindings(resources: EngineResource[]) {
  const diagnostics = await pack.analyzeStack(resources);
  return diagnostics.filter((d) => d.policyName === "nats-config-safe");
}

describe("nats-config-safe hole classes over the engine protocol", () => {
  it("accepts the safe NATS server", async () => {
    expect(await natsFindings(safeSplitTopology())).toEqual([]);
  });

  const cases: [string, EngineResource[], string][] = [
    [
      "a shared token",
      withConf(NATS_CONF.replace("authorization {", 'authorization {\n  token: "not-a-real-token"')),
      "authorization has a token: every client that knows it connects with one shared identity",
    ],
    [
      "a stream import that lands on titan.cmd.>",
      withConf(
        `${NATS_CONF}accounts {\n  EXEC { users: [ ${userWith("exec2", '"titan.evt.>"')} ], imports: [ { stream: { account: STRAT, subject: "cmd.>" }, prefix: "titan" } ] }\n  STRAT { users: [ ${userWith("strat", '"cmd.>"')} ], exports: [ { stream: "cmd.>" } ] }\n}\n`,
      ),
      "account 'exec' imports stream 'cmd.>' from account 'STRAT' as 'titan.cmd.>': user 'strat' of account 'STRAT' may publish 'cmd.x'",
    ],
    [
      "a leaf node listener",
      withConf(`${NATS_CONF}leafnodes { port: 7422 }\n`),
      "'leafnodes' opens a leaf node listener",
    ],
    [
      "the JetStream API granted wholesale",
      withConf(addUser(userWith("hunter", '{ allow: ["$JS.API.>"] }'))),
      "user 'hunter' may call the JetStream API wholesale: publish allow '$JS.API.>' reaches '$JS.API.x'",
    ],
    [
      "a console that may publish",
      withConf(NATS_CONF.replace('publish: { deny: ">" }', 'publish: ["titan.evt.console.>"]')),
      "user 'console' is the read-only console but may publish 'titan.evt.console.x'",
    ],
    [
      "the monitor published on the private address",
      withNats({ ports: [{ internal: 8222, external: 8222, ip: "10.110.0.3" }] }),
      "container publishes the monitor port 8222 on 10.110.0.3, not on loopback",
    ],
    [
      "a server started with another config file",
      withNats({ command: ["nats-server", "--config", "/tmp/elsewhere.conf"] }),
      "NATS server start: it loads /tmp/elsewhere.conf, which is not an uploaded file",
    ],
  ];

  it.each(cases)("refuses %s as a mandatory violation", async (_name, resources, fragment) => {
    const findings = await natsFindings(resources);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((d) => d.enforcementLevel === "mandatory")).toBe(true);
    expect(findings.map((d) => d.message).join("\n")).toContain(fragment);
  });
});
