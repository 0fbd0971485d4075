import { describe, expect, it } from "vitest";
import { natsConfigSafe } from "../../policies/nats-config-safe";
import {
  BCRYPT_8,
  BCRYPT_11,
  configCarrier,
  mountingService,
  NATS_CONF,
  nats,
  PRIVATE_IP,
  T,
} from "../fixtures";
import { runResourcePolicy, runStackPolicy } from "../helpers";

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

// The NATS hole classes of issue 12, each refused with its exact message, beside a safe neighbour
// and an adversarial spelling. Listener aliases, the listen host counting as the monitor's, and
// an allowed stream import landing on titan.cmd.> were checked against nats-server 2.9.10.
describe("nats-config-safe: hole classes (issue 12)", () => {
  const FILE = "/etc/nats/nats.conf";
  const URN = `urn:pulumi:test::titan::${T.container}::nats`;
  const AT = `Container 'nats' (${URN}): NATS config ${FILE}: `;
  const START = `Container 'nats' (${URN}): NATS server start: `;
  const user = (name: string, publish: string, extra = "") =>
    `{ user: ${name}, password: "${BCRYPT_11}", permissions: { publish: ${publish} } ${extra} }`;
  const BRAIN = user("brain", '">"');
  const conf = (users: string, rest = "") =>
    `http: 127.0.0.1:8222\nauthorization { users = [ ${users} ] }\n${rest}`;
  const check = (content: string, extra: Record<string, unknown> = {}, config = {}) => {
    const c = nats({ uploads: [{ file: FILE, content }], ...extra });
    return runResourcePolicy(natsConfigSafe, { type: c.type, name: "nats", props: c.properties }, config);
  };
  // Generated, not a real key: "U" and 55 base32 characters.
  // biome-ignore lint/security/noSecrets: the base32 alphabet, not a secret
  const fakeNkey = () => `U${"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".repeat(2).slice(0, 55)}`;

  describe("nats-config-safe holes: who may connect", () => {
    const NO_USERS = `${AT}no user is defined (no authorization or accounts users), so any client connects without credentials. Fix: give each service its own user with a bcrypt password or nkey.`;

    it("refuses a config with no users at all", async () => {
      expect(await check("http: 127.0.0.1:8222\nlisten: 0.0.0.0:4222")).toEqual([NO_USERS]);
      expect(await check(conf(BRAIN))).toEqual([]);
      // Adversarial: the user list hidden behind what the parser cannot read.
      expect(await check("http: 127.0.0.1:8222\nauthorization { users: $USERS }")).toEqual([
        `${AT}authorization users is the unresolved variable $USERS, not a list of users, so it cannot be checked.`,
        NO_USERS,
      ]);
      expect(await check(`http: 127.0.0.1:8222\nauthorization { users: [ "brain", ${BRAIN} ] }`)).toEqual([
        `${AT}authorization users entry 1 is 'brain', not a user map.`,
      ]);
      expect(await check("http: 127.0.0.1:8222\naccounts: 5")).toEqual([
        `${AT}accounts is '5', not a map, so it cannot be checked.`,
        NO_USERS,
      ]);
    });

    it("refuses a shared token, even beside users and even hashed", async () => {
      const token = `tok-${Math.random().toString(36).slice(2)}`;
      const TOKEN = `${AT}authorization has a token: every client that knows it connects with one shared identity and the same rights. Fix: remove the token and give each service its own user with a bcrypt password or nkey.`;
      expect(await check(`http: 127.0.0.1:8222\nauthorization { token: "${token}" }`)).toEqual([
        TOKEN,
        NO_USERS,
      ]);
      expect(
        await check(`http: 127.0.0.1:8222\nauthorization { token: "${BCRYPT_11}", users: [ ${BRAIN} ] }`),
      ).toEqual([TOKEN]);
    });

    it("refuses no_auth_user wherever it is set", async () => {
      expect(await check(conf(BRAIN, "no_auth_user: brain"))).toEqual([
        `${AT}the config sets no_auth_user 'brain': a client that sends no credentials is taken as that user. Fix: remove no_auth_user.`,
      ]);
      expect(
        await check(`http: 127.0.0.1:8222\nauthorization { no_auth_user: brain, users: [ ${BRAIN} ] }`),
      ).toEqual([
        `${AT}authorization sets no_auth_user 'brain': a client that sends no credentials is taken as that user. Fix: remove no_auth_user.`,
      ]);
    });

    it("accepts a user nkey as a credential, and refuses anything else without a password", async () => {
      const nkeyUser = (nkey: string) =>
        `http: 127.0.0.1:8222\nauthorization { users = [ { nkey: ${nkey}, permissions: { publish: "titan.evt.>" } } ] }`;
      const nkey = fakeNkey();
      expect(await check(nkeyUser(nkey))).toEqual([]);
      expect(await check(nkeyUser("UABC"))).toEqual([
        `${AT}user 'UABC' has an nkey that is not a user public key (U…, 56 characters). Fix: store only a bcrypt hash (cost >= 10).`,
      ]);
      // An account nkey (A…) is not a user credential.
      expect(await check(nkeyUser(`A${nkey.slice(1)}`))).toEqual([
        expect.stringContaining("has an nkey that is not a user public key"),
      ]);
      expect(await check(conf('{ user: svc, permissions: { publish: "titan.evt.>" } }'))).toEqual([
        `${AT}user 'svc' has no password. Fix: store only a bcrypt hash (cost >= 10).`,
      ]);
    });

    it("refuses operator (JWT) mode: users outside the file", async () => {
      expect(await check(conf(BRAIN, "operator: /etc/nats/op.jwt\nresolver: MEMORY"))).toEqual([
        `${AT}'operator' turns on operator (JWT) mode: users and their rights live in JWTs outside this file and cannot be checked. Fix: define the users in authorization.`,
        `${AT}'resolver' turns on operator (JWT) mode: users and their rights live in JWTs outside this file and cannot be checked. Fix: define the users in authorization.`,
      ]);
    });
  });

  describe("nats-config-safe holes: renames into the command space", () => {
    const accounts = (exec: string, strat: string) => `http: 127.0.0.1:8222
  accounts {
    EXEC { users: [ ${user("exec", '"titan.evt.>"')} ] ${exec} }
    STRAT { users: [ ${user("strat", '["cmd.>", "orders.>"]')} ] ${strat} }
  }`;

    it("refuses a stream import that lands a strategy's publications on titan.cmd.>", async () => {
      const imported = (prefix: string) =>
        accounts(
          `imports: [ { stream: { account: STRAT, subject: "cmd.>" }, prefix: "${prefix}" } ]`,
          'exports: [ { stream: "cmd.>" } ]',
        );
      expect(await check(imported("titan"))).toEqual([
        `${AT}account 'exec' imports stream 'cmd.>' from account 'STRAT' as 'titan.cmd.>': user 'strat' of account 'STRAT' may publish 'cmd.x', which arrives as command subject 'titan.cmd.x'; only brain may publish under titan.cmd.>. Fix: import it under a subject outside titan.cmd.>.`,
      ]);
      expect(await check(imported("strat"))).toEqual([]);
    });

    it("refuses a service import and a mapping that do the same", async () => {
      const service = accounts(
        'exports: [ { service: "titan.cmd.execution.place" } ]',
        'imports: [ { service: { account: EXEC, subject: "titan.cmd.execution.place" }, to: "orders.place" } ]',
      );
      expect(await check(service)).toEqual([
        expect.stringContaining(
          "account 'strat' imports service 'titan.cmd.execution.place' from account 'EXEC' as 'orders.place': user 'strat' may publish 'orders.place', which is delivered to command subject 'titan.cmd.execution.place' in account 'EXEC'",
        ),
      ]);
      const mapped = conf(
        user("hunter", '"titan.evt.>"'),
        'mappings: { "titan.evt.*": "titan.cmd.execution.$1" }',
      );
      expect(await check(mapped)).toEqual([
        expect.stringContaining(
          "mapping 'titan.evt.*' -> 'titan.cmd.execution.$1' in account '$G': user 'hunter' may publish 'titan.evt.x'",
        ),
      ]);
      expect(await check(mapped.replace("titan.cmd.execution.$1", "titan.evt.renamed.$1"))).toEqual([]);
    });

    it("refuses any import or export of the JetStream API", async () => {
      expect(await check(accounts('exports: [ { service: "$JS.API.>" } ]', ""))).toEqual([
        `${AT}account 'exec' exports service '$JS.API.>', inside the JetStream API ($JS.API.>): another account would reach its streams and their administration. Fix: do not export the JetStream API.`,
      ]);
      expect(
        await check(
          accounts(
            "",
            'imports: [ { service: { account: EXEC, subject: "$JS.API.STREAM.DELETE.*" }, to: "orders.drop.*" } ]',
          ),
        ),
      ).toEqual([
        expect.stringContaining(
          "inside the JetStream API ($JS.API.>): one account would call another's JetStream API",
        ),
      ]);
    });
  });

  describe("nats-config-safe holes: listeners", () => {
    it("refuses every extra listener block, under each name nats-server accepts", async () => {
      const listener = (key: string, what: string) =>
        `${AT}'${key}' opens a ${what} listener: Titan runs one server, and each extra listener is another entry point with its own (by default no) authentication. Fix: remove the ${key} block.`;
      for (const [key, what] of [
        ["cluster", "cluster (route)"],
        ["gateway", "gateway"],
        ["leafnodes", "leaf node"],
        ["leaf", "leaf node"],
        ["websocket", "websocket"],
        ["ws", "websocket"],
        ["mqtt", "MQTT"],
      ] as const) {
        expect(await check(conf(BRAIN, `${key} { port: 7000 }`)), key).toEqual([listener(key, what)]);
      }
      // Case does not hide it (nats-server keys are case-insensitive), nor does an empty block.
      expect(await check(conf(BRAIN, "WebSocket {}"))).toEqual([listener("websocket", "websocket")]);
      expect(await check(conf(BRAIN, "jetstream { store_dir: /data }"))).toEqual([]);
    });
  });

  describe("nats-config-safe holes: JetStream administration and the console", () => {
    it("refuses the JetStream API granted wholesale to anyone but brain", async () => {
      for (const allow of [
        ">",
        "$JS.>",
        "$JS.API.>",
        "$JS.API.STREAM.>",
        "$JS.API.*.DELETE.TITAN_CMD",
        "*.API.>",
      ]) {
        const messages = await check(conf(user("hunter", `{ allow: ["${allow}"], deny: ["titan.cmd.>"] }`)));
        expect(messages, allow).toEqual([
          expect.stringMatching(
            /^.*user 'hunter' may call the JetStream API wholesale: publish allow '.+' reaches '\$JS\.API\..+'; only brain may\. Fix: allow only the exact \$JS\.API calls it makes\.$/,
          ),
        ]);
      }
      expect(await check(conf(user("hunter", '{ allow: ["$JS.API.>"] }')))).toEqual([
        `${AT}user 'hunter' may call the JetStream API wholesale: publish allow '$JS.API.>' reaches '$JS.API.x'; only brain may. Fix: allow only the exact $JS.API calls it makes.`,
      ]);
      // Safe neighbours: brain; exact calls and names-only wildcards, as the program grants them.
      expect(await check(conf(user("brain", '{ allow: ["$JS.API.>"] }')))).toEqual([]);
      const exact =
        '["$JS.API.INFO", "$JS.API.STREAM.INFO.TITAN_CMD", "$JS.API.CONSUMER.CREATE.TITAN_CMD.EXEC.titan.cmd.execution.>", "$JS.API.CONSUMER.MSG.NEXT.TITAN_CMD.EXEC"]';
      expect(await check(conf(user("execution", exact)))).toEqual([]);
      // A wildcard the deny list takes back entirely is not a grant.
      expect(await check(conf(user("hunter", '{ allow: ">", deny: ["$JS.API.>", "titan.cmd.>"] }')))).toEqual(
        [],
      );
    });

    it("refuses stream delete, purge and update to anyone but brain", async () => {
      for (const call of [
        "$JS.API.STREAM.DELETE.TITAN_CMD",
        "$JS.API.STREAM.PURGE.*",
        "$JS.API.STREAM.UPDATE.TITAN_EVT",
      ]) {
        const witness = call.replace("*", "x");
        expect(await check(conf(user("hunter", `["${call}"]`))), call).toEqual([
          `${AT}user 'hunter' may publish JetStream administration subject '${witness}' (publish allow ${call}); only brain may delete, purge or update streams. Fix: deny every subject in jetStreamAdminSubjects.`,
        ]);
      }
      expect(
        await check(
          conf(
            user(
              "hunter",
              '{ allow: ["$JS.API.STREAM.CREATE.TITAN_CMD", "$JS.API.STREAM.DELETE.TITAN_CMD"], deny: ["$JS.API.STREAM.DELETE.>"] }',
            ),
          ),
        ),
      ).toEqual([]);
    });

    it("keeps the console read-only: only its inboxes and $JS.API.INFO", async () => {
      expect(await check(conf(user("console", '["$JS.API.INFO", "_INBOX.>"]')))).toEqual([]);
      expect(await check(conf(user("console", '{ deny: ">" }')))).toEqual([]);
      expect(await check(conf(user("console", '["titan.evt.console.>"]')))).toEqual([
        `${AT}user 'console' is the read-only console but may publish 'titan.evt.console.x' (publish allow titan.evt.console.>); it may publish only _INBOX.>, $JS.API.INFO. Fix: allow only those and deny everything else.`,
      ]);
      // Adversarial: a JetStream call that creates state, hidden beside the allowed ones.
      expect(
        await check(conf(user("console", '["$JS.API.INFO", "$JS.API.CONSUMER.CREATE.TITAN_EVT"]'))),
      ).toEqual([
        expect.stringContaining(
          "user 'console' is the read-only console but may publish '$JS.API.CONSUMER.CREATE.TITAN_EVT'",
        ),
      ]);
      // The console user is named by config, and its own inbox prefix can be allowed.
      const ui = conf(user("ops-ui", '["_INBOX_ui.>"]'));
      expect(await check(ui, {}, { consoleUser: "ops-ui" })).toEqual([
        expect.stringContaining("user 'ops-ui' is the read-only console but may publish '_INBOX_ui.x'"),
      ]);
      expect(await check(ui, {}, { consoleUser: "ops-ui", consolePublish: ["_INBOX_ui.>"] })).toEqual([]);
    });
  });

  describe("nats-config-safe holes: replies the requester aims", () => {
    const responder = (extra: string) =>
      `{ user: execution, password: "${BCRYPT_11}", permissions: { publish: { allow: ["titan.evt.>", "_INBOX.>"], deny: "titan.cmd.>" }, subscribe: "titan.req.exec.>" ${extra} } }`;
    const hunter = user("hunter", '"titan.req.exec.policy_hash.v1"');

    it("refuses allow_responses on a responder an untrusted user can send requests to", async () => {
      expect(
        await check(conf([BRAIN, responder(", allow_responses: { max: 1 }"), hunter].join(", "))),
      ).toEqual([
        `${AT}user 'execution' has allow_responses and receives requests on 'titan.req.exec.policy_hash.v1', which user 'hunter' may publish; the requester names the reply subject, so it can make 'execution' publish to any subject, titan.cmd.> included, past its deny list. Fix: remove allow_responses and allow publish on the requesters' inboxes (_INBOX.>) instead.`,
      ]);
      // The stack's form: replies through publish on _INBOX.> only.
      expect(await check(conf([BRAIN, responder(""), hunter].join(", ")))).toEqual([]);
      // Only brain may ask: allow_responses then gives nothing brain could not do itself.
      expect(await check(conf([BRAIN, responder(", allow_responses: true")].join(", ")))).toEqual([]);
      // Adversarial: the responder counts as a requester of its own subjects.
      const selfAsk = `{ user: execution, password: "${BCRYPT_11}", permissions: { publish: { allow: "titan.req.exec.self", deny: "titan.cmd.>" }, subscribe: "titan.req.exec.>", allow_responses: true } }`;
      expect(await check(conf([BRAIN, selfAsk].join(", ")))).toEqual([
        expect.stringContaining("receives requests on 'titan.req.exec.self', which itself may publish"),
      ]);
      // Who is trusted follows commandPublishers.
      expect(
        await check(
          conf([BRAIN, responder(", allow_responses: true"), hunter].join(", ")),
          {},
          {
            commandPublishers: ["brain", "hunter"],
          },
        ),
      ).toEqual([]);
    });
  });

  describe("nats-config-safe holes: the monitor", () => {
    const monitor = (rest: string) => `authorization { users = [ ${BRAIN} ] }\n${rest}`;

    it("refuses a monitor on every interface unless allowed inside the container's own namespace", async () => {
      const allow = { monitorBindAllInContainer: true };
      expect(await check(monitor("http: 0.0.0.0:8222"), {}, allow)).toEqual([]);
      expect(await check(monitor("http_port: 8222"), {}, allow)).toEqual([]);
      expect(await check(monitor('http: "[::]:8222"'), {}, allow)).toEqual([]);
      // Never in host network mode: there every interface is the droplet's.
      expect(await check(monitor("http: 0.0.0.0:8222"), { networkMode: "host", ports: [] }, allow)).toEqual([
        `${AT}monitor (http) binds host '0.0.0.0' (in host network mode that is the droplet's own interfaces), and the monitor has no authentication. Fix: bind it to 127.0.0.1.`,
      ]);
      // A specific non-loopback host is refused either way.
      expect(await check(monitor("http: 10.110.0.3:8222"), {}, allow)).toEqual([
        expect.stringContaining("monitor (http) binds host '10.110.0.3'"),
      ]);
    });

    it("counts the client listener's host as the monitor's (nats-server does)", async () => {
      expect(await check(monitor("listen: 10.0.0.5:4222\nhttp_port: 8222"))).toEqual([
        `${AT}monitor (http_port) binds host '10.0.0.5' (every container on its networks reaches it), and the monitor has no authentication. Fix: bind it to 127.0.0.1.`,
      ]);
      expect(await check(monitor("listen: 127.0.0.1:4222\nhttp_port: 8222"))).toEqual([]);
    });

    it("refuses publishAllPorts, which publishes the monitor with everything else", async () => {
      expect(await check(monitor("http: 127.0.0.1:8222"), { publishAllPorts: true })).toEqual([
        `${AT}publishAllPorts publishes every port the image exposes (the monitor's among them) on 0.0.0.0. Fix: set publishAllPorts to false.`,
      ]);
      expect(await check(monitor("http: 127.0.0.1:8222"), { publishAllPorts: "false" })).toEqual([]);
    });
  });

  describe("nats-config-safe holes: the file the server loads", () => {
    const safe = { file: FILE, content: NATS_CONF };
    const run = (props: Record<string, unknown>) =>
      runResourcePolicy(natsConfigSafe, { type: T.container, name: "nats", props: nats(props).properties });

    it("refuses the image's default command, which loads the image's own config", async () => {
      expect(await run({ command: undefined })).toEqual([
        `${START}no command is set, so the image's default command loads its own config (/etc/nats/nats-server.conf or /nats-server.conf), not an uploaded, checked file. Fix: set command to nats-server --config <uploaded config>.`,
      ]);
      // Safe neighbour: every default path holds an uploaded, checked config.
      const defaults = ["/etc/nats/nats-server.conf", "/nats-server.conf"].map((file) => ({
        file,
        content: NATS_CONF,
      }));
      expect(await run({ command: undefined, uploads: defaults })).toEqual([]);
      expect(await run({ command: undefined, uploads: defaults.slice(0, 1) })).toEqual([
        expect.stringContaining("loads its own config (/nats-server.conf)"),
      ]);
    });

    it("refuses a --config that points away from the uploaded file, and judges whatever file it points at", async () => {
      expect(await run({ command: ["nats-server", "-c", FILE, "-c", "/tmp/other.conf"] })).toEqual([
        `${START}it loads /tmp/other.conf, which is not an uploaded file, so what it allows is unchecked. Fix: point --config at the uploaded config.`,
      ]);
      // Adversarial: the loaded file has a name the policy would not otherwise recognise.
      const loose = { file: "/etc/nats/titan.conf", content: "http: 127.0.0.1:8222\nlisten: 0.0.0.0:4222" };
      expect(await run({ uploads: [safe, loose], command: ["nats-server", "--config", loose.file] })).toEqual(
        [
          expect.stringContaining(
            "NATS config /etc/nats/titan.conf: no user is defined (no authorization or accounts users)",
          ),
        ],
      );
    });

    it("refuses flags that override the config, shell wrappers and a server without --config", async () => {
      expect(await run({ command: ["nats-server", "--config", FILE, "-m", "8223"] })).toEqual([
        `${START}flag '-m' overrides or adds to the checked config (listeners, monitor, auth). Fix: put every setting in the uploaded config.`,
      ]);
      expect(await run({ entrypoints: ["sh", "-c"], command: [`nats-server -c ${FILE}`] })).toEqual([
        `${START}the entrypoint runs 'sh', not nats-server, so which config it loads cannot be told.`,
      ]);
      expect(await run({ command: ["nats-server"] })).toEqual([
        `${START}no --config flag: nats-server runs with its built-in defaults (no authentication, every interface). Fix: start it with --config and the uploaded config's path.`,
      ]);
      expect(await run({ entrypoints: ["/nats-server"], command: ["--config", FILE] })).toEqual([]);
    });

    it("judges a NATS server by its image even when it uploads no config", async () => {
      const bare = { type: T.container, name: "nats", props: { name: "nats", image: "nats:2.10-alpine" } };
      expect(await runStackPolicy(natsConfigSafe, [bare])).toEqual([
        expect.stringContaining(
          "NATS server start: no command is set, so the image's default command loads its own config",
        ),
      ]);
      const redis = { type: T.container, name: "redis", props: { name: "redis", image: "redis:7" } };
      expect(await runStackPolicy(natsConfigSafe, [redis])).toEqual([]);
    });
  });
});

// Config carried into a service through a shared named volume (a never-started carrier container
// uploads it) is judged in the service that mounts it, at the path it appears under there.
describe("nats-config-safe: config carriers", () => {
  // The server loads the carried file (nats-config-safe refuses a server started on another one).
  const NATS_COMMAND = { command: ["nats-server", "--config", "/etc/nats/nats.conf"] };

  it("judges the NATS config a carrier delivers, on the server that mounts it", async () => {
    const bad = NATS_CONF.replace(/\$2b\$11\$[^"]+/, BCRYPT_8);
    const messages = await runStackPolicy(natsConfigSafe, [
      configCarrier("nats-config", "titan-nats-config", "/etc/nats", [
        { file: "/etc/nats/nats.conf", content: bad },
      ]),
      mountingService(
        "nats",
        "nats@sha256:x",
        [{ type: "volume", source: "titan-nats-config", target: "/etc/nats", readOnly: true }],
        NATS_COMMAND,
      ),
    ]);
    expect(messages).toEqual([
      "Container 'nats' (urn:pulumi:test::titan::docker:index/container:Container::nats): NATS config /etc/nats/nats.conf: user 'brain' has a bcrypt cost of 8 (minimum 10). Fix: store only a bcrypt hash (cost >= 10).",
    ]);
    // The safe neighbour: the same carrier with the good config.
    expect(
      await runStackPolicy(natsConfigSafe, [
        configCarrier("nats-config", "titan-nats-config", "/etc/nats", [
          { file: "/etc/nats/nats.conf", content: NATS_CONF },
        ]),
        mountingService(
          "nats",
          "nats@sha256:x",
          [{ type: "volume", source: "titan-nats-config", target: "/etc/nats", readOnly: true }],
          NATS_COMMAND,
        ),
      ]),
    ).toEqual([]);
  });
});

describe("nats-config-safe: which containers and files are judged", () => {
  const URN = (name: string) => `urn:pulumi:test::titan::${T.container}::${name}`;
  const run = (name: string, props: Record<string, unknown>, config = {}) =>
    runResourcePolicy(natsConfigSafe, { type: T.container, name, props: { name, ...props } }, config);
  const NO_USERS =
    "no user is defined (no authorization or accounts users), so any client connects without credentials. Fix: give each service its own user with a bcrypt password or nkey.";

  it("leaves a container alone that neither runs nats-server nor uploads a NATS config", async () => {
    const redis = { image: "redis:7", uploads: [{ file: "/etc/redis/redis.conf", content: "port 6379" }] };
    expect(await run("redis", redis)).toEqual([]);
  });

  it("judges a NATS config uploaded into a container that does not look like a NATS server", async () => {
    const box = {
      image: "busybox:1",
      uploads: [{ file: "/srv/nats.conf", content: "http: 127.0.0.1:8222" }],
    };
    expect(await run("box", box)).toContain(
      `Container 'box' (${URN("box")}): NATS config /srv/nats.conf: ${NO_USERS}`,
    );
  });

  it("judges a configured image default config whatever its name", async () => {
    const file = "/etc/nats/titan.conf";
    const props = { image: "nats:2.10-alpine", uploads: [{ file, content: "http: 127.0.0.1:8222" }] };
    expect(await run("nats", props, { imageDefaultConfigs: [file] })).toEqual([
      `Container 'nats' (${URN("nats")}): NATS config ${file}: ${NO_USERS}`,
    ]);
  });

  it("names every forbidden subject a response hijack reaches", async () => {
    const user = (name: string, permissions: string) =>
      `{ user: ${name}, password: "${BCRYPT_11}", permissions: ${permissions} }`;
    const conf = `http: 127.0.0.1:8222\nauthorization { users = [ ${[
      user("brain", '{ publish: ">" }'),
      user(
        "execution",
        '{ publish: { allow: "_INBOX.>", deny: ["titan.cmd.>", "titan.admin.>"] }, subscribe: "titan.req.exec.>", allow_responses: true }',
      ),
      user("hunter", '{ publish: "titan.req.exec.x" }'),
    ].join(", ")} ] }`;
    const props = {
      image: "nats:2.10-alpine",
      uploads: [{ file: "/etc/nats/nats.conf", content: conf }],
      command: ["nats-server", "--config", "/etc/nats/nats.conf"],
    };
    expect(await run("nats", props, { forbiddenPublish: ["titan.cmd.>", "titan.admin.>"] })).toEqual([
      `Container 'nats' (${URN("nats")}): NATS config /etc/nats/nats.conf: user 'execution' has allow_responses and receives requests on 'titan.req.exec.x', which user 'hunter' may publish; the requester names the reply subject, so it can make 'execution' publish to any subject, titan.cmd.>, titan.admin.> included, past its deny list. Fix: remove allow_responses and allow publish on the requesters' inboxes (_INBOX.>) instead.`,
    ]);
  });
});

describe("nats-config-safe: keys the parser would merge", () => {
  const AUTH_SAFE = `http: 127.0.0.1:8222\nauthorization { users = [ { user: brain, password: "${BCRYPT_11}" } ] }`;

  it("refuses accounts whose names differ only in case, which nats-server keeps apart", async () => {
    const conf = `${AUTH_SAFE}\naccounts {\n  A: { users: [ { user: hunter, password: "plain" } ] }\n  a: { users: [ { user: svc, password: "${BCRYPT_11}", permissions: { publish: "titan.evt.>" } } ] }\n}`;
    const c = nats({ uploads: [{ file: "/etc/nats/nats.conf", content: conf }] });
    expect(
      await runResourcePolicy(natsConfigSafe, { type: c.type, name: "nats", props: c.properties }),
    ).toEqual([
      `Container 'nats' (urn:pulumi:test::titan::${T.container}::nats): NATS config /etc/nats/nats.conf cannot be parsed (line 5: keys 'A' and 'a' differ only in case: nats-server keeps both, so one would go unchecked). Fix: correct the config syntax.`,
    ]);
  });
});
