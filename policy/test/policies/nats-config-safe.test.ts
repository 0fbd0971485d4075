import { describe, expect, it } from "vitest";
import { natsConfigSafe } from "../../policies/nats-config-safe";
import { BCRYPT_8, BCRYPT_11, NATS_CONF, nats, PRIVATE_IP, T } from "../fixtures";
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

describe("nats-config-safe: exact verdicts and boundaries", () => {
  const URN = `urn:pulumi:test::titan::${T.container}::nats`;
  const prefix = (file = "/etc/nats/nats.conf") => `Container 'nats' (${URN}): NATS config ${file}: `;
  // Same hash shape as the fixture, with the cost field rewritten at run time.
  const bcryptCost = (cost: string) => BCRYPT_11.replace("$11$", `$${cost}$`);
  const evtOnly = '{ publish: "titan.evt.>" }';
  const run = (props: Record<string, unknown>, config = {}) =>
    runResourcePolicy(natsConfigSafe, { type: T.container, name: "nats", props }, config);
  const uploads = (...files: { file: string; content: string }[]) => nats({ uploads: files }).properties;

  it("ignores resources that are not containers", async () => {
    expect(
      await runResourcePolicy(natsConfigSafe, {
        type: T.randomPassword,
        props: { uploads: [{ file: "/etc/nats/nats.conf", content: "authorization {" }] },
      }),
    ).toEqual([]);
  });

  it("accepts bcrypt cost exactly 10 and reports 9 with the exact message", async () => {
    expect(await check(users(user("svc", evtOnly, bcryptCost("10"))))).toEqual([]);
    expect(await check(users(user("svc", evtOnly, bcryptCost("09"))))).toEqual([
      `${prefix()}user 'svc' has a bcrypt cost of 9 (minimum 10). Fix: store only a bcrypt hash (cost >= 10).`,
    ]);
  });

  it("honours a configured minimum bcrypt cost in the verdict and the fix", async () => {
    const conf = users(user("svc", evtOnly, BCRYPT_11));
    expect(await check(conf, {}, { minBcryptCost: 11 })).toEqual([]);
    expect(await check(conf, {}, { minBcryptCost: 12 })).toEqual([
      `${prefix()}user 'svc' has a bcrypt cost of 11 (minimum 12). Fix: store only a bcrypt hash (cost >= 12).`,
    ]);
  });

  it("checks a command publisher's password but not its publish rights", async () => {
    expect(await check(users(user("brain", '{ publish: ">" }', "plain")))).toEqual([
      `${prefix()}user 'brain' has a password that is not a bcrypt hash. Fix: store only a bcrypt hash (cost >= 10).`,
    ]);
  });

  it("reports a command publisher with the exact message, listing its allow list", async () => {
    expect(await check(users(user("hunter", '{ publish: ["titan.evt.>", "titan.cmd.>"] }')))).toEqual([
      `${prefix()}user 'hunter' may publish command subject 'titan.cmd.x' (publish allow titan.evt.>, titan.cmd.>); only brain may publish under titan.cmd.>. Fix: narrow its publish allow list or deny the command subjects.`,
    ]);
  });

  it("lists every configured publisher and forbidden subject", async () => {
    const [message] = await check(
      users(user("hunter", '{ publish: ">" }')),
      {},
      { commandPublishers: ["brain", "ops"], forbiddenPublish: ["titan.cmd.>", "titan.admin.>"] },
    );
    expect(message).toContain("only brain, ops may publish under titan.cmd.>, titan.admin.>.");
  });

  it("applies exemptions per user only", async () => {
    const ai = '{ publish: ["titan.cmd.ai.>"] }';
    expect(await check(users(user("quant", ai)))).toEqual([]);
    expect(await check(users(user("hunter", ai)))).toEqual([
      expect.stringContaining("user 'hunter' may publish command subject 'titan.cmd.ai."),
    ]);
    expect(
      await check(users(user("hunter", ai)), {}, { publishExemptions: { hunter: ["titan.cmd.ai.>"] } }),
    ).toEqual([]);
    // Replacing the exemptions drops quant's default one.
    expect(
      await check(users(user("quant", ai)), {}, { publishExemptions: { hunter: ["titan.cmd.ai.>"] } }),
    ).toEqual([expect.stringContaining("user 'quant' may publish command subject")]);
  });

  it("recognises nats.conf and nats-server.conf anywhere, and nothing else", async () => {
    const bad = "authorization {";
    for (const file of ["/etc/nats/nats.conf", "nats.conf", "/config/nats-server.conf"]) {
      expect(await run(uploads({ file, content: bad })), file).toEqual([
        expect.stringContaining(`NATS config ${file} cannot be parsed`),
      ]);
    }
    for (const file of [
      "/etc/nats/mynats.conf",
      "/etc/nats/nats.conf.bak",
      "/etc/nats/nats.yaml",
      "/etc/nats/auth.conf",
    ]) {
      expect(await run(uploads({ file, content: bad })), file).toEqual([]);
    }
  });

  it("reports a parse failure with the exact framing, and still checks the next config", async () => {
    const messages = await run(
      uploads(
        { file: "/a/nats.conf", content: "authorization {" },
        { file: "/b/nats.conf", content: users(user("svc", evtOnly, "plain")) },
      ),
    );
    expect(messages).toEqual([
      expect.stringMatching(
        /^Container 'nats' \(.+\): NATS config \/a\/nats\.conf cannot be parsed \(.+\)\. Fix: correct the config syntax\.$/,
      ),
      `${prefix("/b/nats.conf")}user 'svc' has a password that is not a bcrypt hash. Fix: store only a bcrypt hash (cost >= 10).`,
    ]);
  });

  it("resolves includes against the config's directory", async () => {
    const auth = users(user("svc", evtOnly, "plain"));
    const found = [expect.stringContaining("user 'svc' has a password that is not a bcrypt hash")];
    expect(
      await run(
        uploads(
          { file: "/etc/nats/nats.conf", content: "include ../shared/auth.conf" },
          { file: "/etc/shared/auth.conf", content: auth },
        ),
      ),
    ).toEqual(found);
    expect(
      await run(
        uploads(
          { file: "/etc/nats/nats.conf", content: "include auth.conf" },
          { file: "etc/nats/auth.conf", content: auth },
        ),
      ),
    ).toEqual(found);
    expect(
      await run(
        uploads(
          { file: "/etc/nats/nats.conf", content: "include auth.conf" },
          { file: "/auth.conf", content: auth },
        ),
      ),
    ).toEqual([
      `${prefix()}include 'auth.conf' is not uploaded with the config, so it cannot be checked. Fix: upload it beside the config.`,
    ]);
  });

  it("accepts loopback, wildcard and private monitor hosts and reports public ones exactly", async () => {
    for (const http of [
      "localhost:8222",
      "127.0.0.2:8222",
      "0.0.0.0:8222",
      '"[::]:8222"',
      '"[::]"',
      '"::1"',
      "192.168.1.4:8222",
    ]) {
      expect(await check(`http: ${http}`), http).toEqual([]);
    }
    expect(await check("http_port: 8222")).toEqual([]);
    expect(await check("http: 8.8.8.8:8222")).toEqual([
      `${prefix()}monitor (http) binds host '8.8.8.8'. Fix: bind it to 127.0.0.1.`,
    ]);
    expect(await check("https: 8.8.8.8:8222")).toEqual([
      `${prefix()}monitor (https) binds host '8.8.8.8'. Fix: bind it to 127.0.0.1.`,
    ]);
  });

  it("reports the monitor port published publicly on either side of the mapping, exactly", async () => {
    const conf = "http: 127.0.0.1:8222";
    expect(await check(conf, { ports: [{ internal: 8222, external: 18222 }] })).toEqual([
      `${prefix()}container publishes the monitor port 8222 on public address 0.0.0.0. Fix: publish it on loopback only.`,
    ]);
    expect(await check(conf, { ports: [{ internal: 9000, external: 8222 }] })).toEqual([
      `${prefix()}container publishes the monitor port 9000 on public address 0.0.0.0. Fix: publish it on loopback only.`,
    ]);
    expect(await check(conf, { ports: [{ external: 8222 }] })).toEqual([
      `${prefix()}container publishes the monitor port 8222 on public address 0.0.0.0. Fix: publish it on loopback only.`,
    ]);
    expect(await check(conf, { ports: [{ internal: 4222, external: 4222 }] })).toEqual([]);
    expect(await check(conf, { ports: [{ internal: 8222, external: 8222, ip: PRIVATE_IP }] })).toEqual([]);
  });

  it("treats the configured port and the config's own monitor port as monitor ports", async () => {
    expect(await check("http: 127.0.0.1:9222", { ports: [{ internal: 9222, external: 9222 }] })).toEqual([
      expect.stringContaining("publishes the monitor port 9222 on public address 0.0.0.0"),
    ]);
    expect(
      await check(
        "listen: 0.0.0.0:4222",
        { ports: [{ internal: 7777, external: 7777 }] },
        { monitorPorts: [7777] },
      ),
    ).toEqual([expect.stringContaining("publishes the monitor port 7777")]);
    expect(await check("listen: 0.0.0.0:4222", { ports: [{ internal: 7777, external: 7777 }] })).toEqual([]);
  });

  it("declares its config options with the defaults it applies", () => {
    const properties = natsConfigSafe.configSchema?.properties ?? {};
    expect(Object.keys(properties)).toEqual([
      "commandPublishers",
      "publishExemptions",
      "forbiddenPublish",
      "minBcryptCost",
      "monitorPorts",
    ]);
    for (const [key, schema] of Object.entries(properties)) {
      expect(schema, key).toMatchObject({ description: expect.stringMatching(/\S/) });
    }
    expect(properties.commandPublishers).toMatchObject({ default: ["brain"] });
    expect(properties.publishExemptions).toEqual({
      type: "object",
      additionalProperties: { type: "array", items: { type: "string" } },
      default: { quant: ["titan.cmd.ai.>"] },
      description: expect.stringMatching(/subjects/),
    });
    expect(properties.forbiddenPublish).toMatchObject({ default: ["titan.cmd.>"] });
    expect(properties.minBcryptCost).toEqual({
      type: "integer",
      minimum: 4,
      default: 10,
      description: expect.stringMatching(/bcrypt/),
    });
    expect(properties.monitorPorts).toMatchObject({ default: [8222] });
  });
});
