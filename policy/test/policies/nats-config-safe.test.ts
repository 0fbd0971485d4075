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
/** A safe user list, so that a test about the monitor or listeners sees only its own finding. */
const AUTH = `authorization { users = [ ${user("brain", '{ publish: ">" }')} ] }`;
const withAuth = (conf: string) => `${AUTH}\n${conf}`;
const PREFIX = `Container 'nats' (urn:pulumi:test::titan::${T.container}::nats): NATS config /etc/nats/nats.conf: `;
const wholesale = (name: string, allow = ">") =>
  `${PREFIX}user '${name}' may call the JetStream API wholesale: publish allow '${allow}' reaches '$JS.API.x'; only brain may. Fix: allow only the exact $JS.API calls it makes.`;
const command = (name: string) =>
  `${PREFIX}user '${name}' may publish command subject 'titan.cmd.x' (publish allow >); only brain may publish under titan.cmd.>. Fix: narrow its publish allow list or deny the command subjects.`;

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
    expect(
      await check(users(user("hunter", '{ publish: { allow: "titan.>", deny: ["titan.cmd.>"] } }'))),
    ).toEqual([]);
    const [partial] = await check(
      users(user("hunter", '{ publish: { allow: "titan.>", deny: ["titan.cmd.execution.>"] } }')),
    );
    expect(partial).toContain("may publish command subject 'titan.cmd.x'");
  });

  it("treats missing permissions, default_permissions and single users as full publish", async () => {
    expect(await check(users(`{ user: hunter, password: "${BCRYPT_11}" }`))).toEqual([
      command("hunter"),
      wholesale("hunter"),
    ]);
    const defaults = `authorization { default_permissions: { publish: "titan.evt.>" }, users: [ { user: x, password: "${BCRYPT_11}" } ] }`;
    expect(await check(`http: 127.0.0.1:8222\n${defaults}`)).toEqual([]);
    expect(
      await check(`http: 127.0.0.1:8222\nauthorization { user: admin, password: "${BCRYPT_11}" }`),
    ).toEqual([command("admin"), wholesale("admin")]);
    expect(
      await check(
        `accounts { A { users: [ { user: sneaky, password: "${BCRYPT_11}" } ] } }\nhttp: 127.0.0.1:8222`,
      ),
    ).toEqual([command("sneaky"), wholesale("sneaky")]);
  });

  it("keeps the monitor on loopback", async () => {
    const [host] = await check(withAuth(`http: 203.0.113.5:8222`));
    expect(host).toContain("monitor (http) binds host '203.0.113.5'");
    const loopbackOnly = { ports: [{ internal: 8222, ip: "127.0.0.1" }] };
    expect(await check(withAuth(`http_port: 8222\nhttp_host: 127.0.0.1`), loopbackOnly)).toEqual([]);
    const [published] = await check(withAuth(`monitor_port: 8222\nhttp_host: 127.0.0.1`), {
      ports: [{ internal: 8222, external: 8222 }],
    });
    expect(published).toContain("publishes the monitor port 8222 on 0.0.0.0, not on loopback");
    expect(await check(withAuth(`http: "monitor.example.com:8222"`))).toEqual([
      expect.stringContaining(
        "monitor (http) binds host 'monitor.example.com' (every container on its networks reaches it)",
      ),
    ]);
    expect(await check(withAuth(`https: 10.0.0.5:8222`))).toEqual([
      expect.stringContaining("monitor (https) binds host '10.0.0.5'"),
    ]);
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
    expect(await check(conf)).toEqual([command("orchestrator"), wholesale("orchestrator")]);
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
  const startedWith = (config: string, ...files: { file: string; content: string }[]) =>
    nats({ uploads: files, command: ["nats-server", "--config", config] }).properties;

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
    const loaded = { file: "/etc/nats/nats.conf", content: NATS_CONF };
    for (const file of ["/etc/nats/nats.conf", "nats.conf", "/config/nats-server.conf"]) {
      expect(await run(startedWith(`/${file}`.replace("//", "/"), { file, content: bad })), file).toEqual([
        expect.stringContaining(`NATS config ${file} cannot be parsed`),
      ]);
    }
    for (const file of [
      "/etc/nats/mynats.conf",
      "/etc/nats/nats.conf.bak",
      "/etc/nats/nats.yaml",
      "/etc/nats/auth.conf",
    ]) {
      expect(await run(uploads(loaded, { file, content: bad })), file).toEqual([]);
    }
  });

  it("reports a parse failure with the exact framing, and still checks the next config", async () => {
    const messages = await run(
      startedWith(
        "/b/nats.conf",
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
      `${prefix()}no user is defined (no authorization or accounts users), so any client connects without credentials. Fix: give each service its own user with a bcrypt password or nkey.`,
    ]);
  });

  it("accepts loopback monitor hosts and reports every other one exactly", async () => {
    for (const http of ["localhost:8222", "127.0.0.2:8222", '"[::1]:8222"', '"::1"']) {
      expect(await check(withAuth(`http: ${http}`)), http).toEqual([]);
    }
    const binds = (key: string, host: string) =>
      `${prefix()}monitor (${key}) binds host '${host}' (every container on its networks reaches it), and the monitor has no authentication. Fix: bind it to 127.0.0.1.`;
    for (const [http, host] of [
      ["0.0.0.0:8222", "0.0.0.0"],
      ['"[::]:8222"', "::"],
      ["192.168.1.4:8222", "192.168.1.4"],
      ["8.8.8.8:8222", "8.8.8.8"],
    ]) {
      expect(await check(withAuth(`http: ${http}`)), http).toEqual([binds("http", host ?? "")]);
    }
    expect(await check(withAuth("https: 8.8.8.8:8222"))).toEqual([binds("https", "8.8.8.8")]);
    // No host anywhere: nats-server binds every interface.
    expect(await check(withAuth("http_port: 8222"))).toEqual([binds("http_port", "0.0.0.0")]);
  });

  it("reports the monitor port published off loopback on either side of the mapping, exactly", async () => {
    const conf = withAuth("http: 127.0.0.1:8222");
    const off = (port: number, ip = "0.0.0.0") =>
      `${prefix()}container publishes the monitor port ${port} on ${ip}, not on loopback. Fix: publish it on 127.0.0.1 only.`;
    expect(await check(conf, { ports: [{ internal: 8222, external: 18222 }] })).toEqual([off(8222)]);
    expect(await check(conf, { ports: [{ internal: 9000, external: 8222 }] })).toEqual([off(9000)]);
    expect(await check(conf, { ports: [{ external: 8222 }] })).toEqual([off(8222)]);
    expect(await check(conf, { ports: [{ internal: 4222, external: 4222 }] })).toEqual([]);
    expect(await check(conf, { ports: [{ internal: 8222, external: 8222, ip: PRIVATE_IP }] })).toEqual([
      off(8222, PRIVATE_IP),
    ]);
    expect(await check(conf, { ports: [{ internal: 8222, external: 8222, ip: "127.0.0.1" }] })).toEqual([]);
  });

  it("treats the configured port and the config's own monitor port as monitor ports", async () => {
    expect(
      await check(withAuth("http: 127.0.0.1:9222"), { ports: [{ internal: 9222, external: 9222 }] }),
    ).toEqual([expect.stringContaining("publishes the monitor port 9222 on 0.0.0.0")]);
    const listen = withAuth("listen: 0.0.0.0:4222");
    expect(
      await check(listen, { ports: [{ internal: 7777, external: 7777 }] }, { monitorPorts: [7777] }),
    ).toEqual([expect.stringContaining("publishes the monitor port 7777")]);
    expect(await check(listen, { ports: [{ internal: 7777, external: 7777 }] })).toEqual([]);
  });

  it("declares its config options with the defaults it applies", () => {
    const properties = natsConfigSafe.configSchema?.properties ?? {};
    expect(Object.keys(properties)).toEqual([
      "commandPublishers",
      "publishExemptions",
      "forbiddenPublish",
      "minBcryptCost",
      "monitorPorts",
      "jetStreamAdminSubjects",
      "consoleUser",
      "consolePublish",
      "monitorBindAllInContainer",
      "imageDefaultConfigs",
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
    expect(properties.jetStreamAdminSubjects).toMatchObject({
      default: expect.arrayContaining([
        "$JS.API.STREAM.DELETE.>",
        "$JS.API.STREAM.PURGE.>",
        "$JS.API.STREAM.UPDATE.>",
      ]),
    });
    expect(properties.consoleUser).toEqual({
      type: "string",
      default: "console",
      description: expect.any(String),
    });
    expect(properties.consolePublish).toMatchObject({ default: ["_INBOX.>", "$JS.API.INFO"] });
    expect(properties.monitorBindAllInContainer).toMatchObject({ type: "boolean", default: false });
    expect(properties.imageDefaultConfigs).toMatchObject({
      default: ["/etc/nats/nats-server.conf", "/nats-server.conf"],
    });
  });
});
