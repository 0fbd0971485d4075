import { describe, expect, it } from "vitest";
import { natsConfigSafe } from "../../policies/nats-config-safe";
import { BCRYPT_8, BCRYPT_11, NATS_CONF, nats } from "../fixtures";
import { runResourcePolicy } from "../helpers";

const withConf = (content: string, extra: Record<string, unknown> = {}) =>
  nats({ uploads: [{ file: "/etc/nats/nats.conf", content }], ...extra });
const check = (content: string, extra: Record<string, unknown> = {}, config = {}) => {
  const c = withConf(content, extra);
  return runResourcePolicy(natsConfigSafe, { type: c.type, name: "nats", props: c.properties }, config);
};
const users = (entries: string) => `http: 127.0.0.1:8222\nauthorization { users = [ ${entries} ] }`;
const user = (name: string, perms: string, password = BCRYPT_11) =>
  `{ user: ${name}, password: "${password}", permissions: ${perms} }`;

describe("nats-config-safe", () => {
  it("passes the Titan config", async () => {
    expect(await check(NATS_CONF)).toEqual([]);
  });

  it("requires bcrypt passwords with cost >= 10", async () => {
    const messages = await check(
      users(
        [
          `{ user: a, password: "plain" }`,
          `{ user: b, password: "${BCRYPT_8}" }`,
          `{ user: c, permissions: { publish: "x" } }`,
        ]
          .map((u) => u.replace("}", ', permissions: { publish: "titan.evt.>" } }'))
          .join("\n"),
      ),
    );
    expect(messages).toEqual([
      expect.stringContaining("user 'a' has a password that is not a bcrypt hash"),
      expect.stringContaining("user 'b' has a bcrypt cost of 8 (minimum 10)"),
      expect.stringContaining("user 'c' has no password"),
    ]);
    expect(messages[0]).toContain("Container 'nats'");
    expect(messages[0]).toContain("NATS config /etc/nats/nats.conf");
  });

  it("lets only brain publish commands and quant only titan.cmd.ai.>", async () => {
    expect(
      await check(
        users(
          [user("brain", '{ publish: ">" }'), user("quant", '{ publish: ["titan.cmd.ai.>"] }')].join("\n"),
        ),
      ),
    ).toEqual([]);
    const [quant] = await check(users(user("quant", '{ publish: ["titan.cmd.>"] }')));
    expect(quant).toContain("user 'quant' may publish command subject 'titan.cmd.x'");
    expect(quant).toContain("only brain may publish under titan.cmd.>");
    for (const publish of ['">"', '"titan.>"', '"titan.cmd.>"', '"titan.*.execution.*"', '"*.cmd.>"']) {
      const [message] = await check(users(user("hunter", `{ publish: ${publish} }`)));
      expect(message).toContain("user 'hunter' may publish command subject");
    }
  });

  it("counts deny lists that cover the command subjects", async () => {
    expect(await check(users(user("console", '{ publish: { deny: ">" } }')))).toEqual([]);
    expect(await check(users(user("hunter", '{ publish: { allow: ">", deny: ["titan.cmd.>"] } }')))).toEqual(
      [],
    );
    const [partial] = await check(
      users(user("hunter", '{ publish: { allow: ">", deny: ["titan.cmd.execution.>"] } }')),
    );
    expect(partial).toContain("may publish command subject 'titan.cmd.x'");
  });

  it("treats missing permissions, default_permissions and single users as full publish", async () => {
    expect(await check(users(`{ user: hunter, password: "${BCRYPT_11}" }`))).toEqual([
      expect.stringContaining(
        "user 'hunter' may publish command subject 'titan.cmd.x' (publish allow >); only brain may publish under titan.cmd.>. Fix: narrow its publish allow list or deny the command subjects.",
      ),
    ]);
    const defaults = `authorization { default_permissions: { publish: "titan.evt.>" }, users: [ { user: x, password: "${BCRYPT_11}" } ] }`;
    expect(await check(defaults)).toEqual([]);
    expect(await check(`authorization { user: admin, password: "${BCRYPT_11}" }`)).toHaveLength(1);
    expect(
      await check(`accounts { A { users: [ { user: sneaky, password: "${BCRYPT_11}" } ] } }`),
    ).toHaveLength(1);
  });

  it("keeps the monitor off public addresses", async () => {
    const [host] = await check(`http: 203.0.113.5:8222`);
    expect(host).toContain("monitor (http) binds host '203.0.113.5'");
    expect(await check(`http_port: 8222`, { ports: [{ internal: 8222, ip: "127.0.0.1" }] })).toEqual([]);
    const [published] = await check(`monitor_port: 8222`, { ports: [{ internal: 8222, external: 8222 }] });
    expect(published).toContain("publishes the monitor port 8222 on public address 0.0.0.0");
    expect(await check(`http: "[::]:8222"`, { ports: [] })).toEqual([]);
    expect(await check(`http: "monitor.example.com:8222"`)).toEqual([
      expect.stringContaining("monitor (http) binds host 'monitor.example.com'. Fix: bind it to 127.0.0.1."),
    ]);
    expect(await check(`https: 10.0.0.5:8222`)).toEqual([]);
  });

  it("fails closed on unparseable configs and missing includes", async () => {
    const [parse] = await check("authorization {");
    expect(parse).toContain("cannot be parsed");
    const [include] = await check("include auth.conf");
    expect(include).toContain("include 'auth.conf' is not uploaded");
    const ok = nats({
      uploads: [
        { file: "/etc/nats/nats.conf", content: "include ./auth.conf" },
        {
          file: "/etc/nats/auth.conf",
          contentBase64: Buffer.from(users(user("brain", '{ publish: ">" }'))).toString("base64"),
        },
      ],
    });
    expect(await runResourcePolicy(natsConfigSafe, { type: ok.type, props: ok.properties })).toEqual([]);
  });

  it("honours configured publishers", async () => {
    const conf = users(user("orchestrator", '{ publish: ">" }'));
    expect(await check(conf)).toHaveLength(1);
    expect(await check(conf, {}, { commandPublishers: ["orchestrator"] })).toEqual([]);
  });
});
