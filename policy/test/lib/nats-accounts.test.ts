// Renames across accounts. Checked against nats-server 2.9.10: with
// `imports: [{ stream: { account: STRAT, subject: "cmd.>" }, prefix: "titan" }]`, a STRAT user
// allowed only `cmd.>` (and denied `titan.cmd.>`) publishes `cmd.execution.place`, and a subscriber
// of the importing account receives `titan.cmd.execution.place`.
import { describe, expect, it } from "vitest";
import { accountProblems, afterPrefix, destinationPattern } from "../../lib/nats-accounts";
import { parseNatsConf } from "../../lib/nats-conf";

const GUARD = {
  commandPublishers: ["brain"],
  forbidden: ["titan.cmd.>"],
  exemptions: { quant: ["titan.cmd.ai.>"] },
};
const problems = (conf: string) => accountProblems(parseNatsConf(conf).root, GUARD);
const account = (name: string, users: string, extra = "") => `${name} { users: [ ${users} ] ${extra} }`;
const pub = (name: string, allow: string) =>
  `{ user: ${name}, password: p, permissions: { publish: ${allow} } }`;
const ONLY = "only brain may publish under titan.cmd.>";

describe("nats subject renames", () => {
  it("turns destinations into the patterns they can produce", () => {
    expect(destinationPattern("titan.cmd.$1")).toBe("titan.cmd.*");
    // biome-ignore lint/security/noSecrets: a subject template, not a secret
    expect(destinationPattern("a.{{wildcard(2)}}.b")).toBe("a.*.b");
    expect(destinationPattern("a.{{ Wildcard( 1 ) }}")).toBe("a.*");
    expect(destinationPattern("a.{{split(1,-)}}.b")).toBe("a.>");
    expect(destinationPattern("$JS.API.INFO")).toBe("$JS.API.INFO");
    expect(destinationPattern(" titan.evt.x ")).toBe("titan.evt.x");
  });

  it("strips an import prefix from a pattern", () => {
    expect(afterPrefix("titan.cmd.>", "titan")).toBe("cmd.>");
    expect(afterPrefix("titan.cmd.>", "titan.cmd")).toBe(">");
    expect(afterPrefix("titan.cmd.>", "titan.cmd.execution")).toBe(">");
    expect(afterPrefix("*.cmd.x", "titan")).toBe("cmd.x");
    expect(afterPrefix("titan.cmd.>", "ext")).toBeUndefined();
    expect(afterPrefix("titan.cmd", "titan.cmd")).toBeUndefined();
    expect(afterPrefix("titan", "titan.cmd")).toBeUndefined();
  });

  it("refuses a stream import whose prefix lands another account's publications on commands", () => {
    const conf = (prefix: string, allow = '"cmd.>"') => `accounts {
      ${account("EXEC", pub("exec", '"titan.evt.>"'), `imports: [ { stream: { account: STRAT, subject: "cmd.>" }, prefix: "${prefix}" } ]`)}
      ${account("STRAT", pub("strat", allow), `exports: [ { stream: "cmd.>" } ]`)}
    }`;
    expect(problems(conf("titan"))).toEqual([
      `account 'exec' imports stream 'cmd.>' from account 'STRAT' as 'titan.cmd.>': user 'strat' of account 'STRAT' may publish 'cmd.x', which arrives as command subject 'titan.cmd.x'; ${ONLY}. Fix: import it under a subject outside titan.cmd.>`,
    ]);
    // Safe neighbours: another prefix, or a publisher that cannot reach the imported subjects.
    expect(problems(conf("ext"))).toEqual([]);
    expect(problems(conf("titan", '"titan.evt.>"'))).toEqual([]);
    // Adversarial: only part of the stream is publishable, and it is the part that lands on commands.
    expect(problems(conf("titan.cmd", '["cmd.execution.place"]'))).toEqual([
      expect.stringContaining(
        "may publish 'cmd.execution.place', which arrives as command subject 'titan.cmd.cmd.execution.place'",
      ),
    ]);
  });

  it("refuses a stream import renamed with `to`, and one that keeps command subjects from a non-publisher", () => {
    const renamed = `accounts {
      ${account("EXEC", pub("exec", '"titan.evt.>"'), `imports: [ { stream: { account: STRAT, subject: "orders.*" }, to: "titan.cmd.execution.$1" } ]`)}
      ${account("STRAT", pub("strat", '"orders.>"'))}
    }`;
    expect(problems(renamed)).toEqual([
      `account 'exec' imports stream 'orders.*' from account 'STRAT' as 'titan.cmd.execution.$1': user 'strat' of account 'STRAT' may publish 'orders.x', which arrives as command subject 'titan.cmd.execution.$1'; ${ONLY}. Fix: import it under a subject outside titan.cmd.>`,
    ]);
    const kept = `accounts {
      ${account("EXEC", pub("exec", '"titan.evt.>"'), `imports: [ { stream: { account: STRAT, subject: "titan.cmd.>" } } ]`)}
      ${account("STRAT", `${pub("brain", '">"')}, ${pub("quant", '["titan.cmd.ai.>"]')}`)}
    }`;
    // brain may publish commands; quant's exemption holds because the subject is not renamed.
    expect(problems(kept)).toEqual([]);
    expect(problems(kept.replace('"titan.cmd.ai.>"', '"titan.cmd.sys.>"'))).toEqual([
      expect.stringContaining("user 'quant' of account 'STRAT' may publish 'titan.cmd.sys.x'"),
    ]);
  });

  it("counts only the exporting account's own users, and never applies an exemption through a rename", async () => {
    // The exporter's users cannot publish the stream; a user of the importing account can, which is
    // no rename (it publishes there directly, judged as its own command rights).
    const others = `accounts {
      ${account("EXEC", pub("exec", '"cmd.>"'), `imports: [ { stream: { account: STRAT, subject: "cmd.>" }, prefix: "titan" } ]`)}
      ${account("STRAT", pub("strat", '"titan.evt.>"'))}
    }`;
    expect(problems(others)).toEqual([]);
    // quant may publish titan.cmd.ai.> itself, but renamed onto execution commands it may not.
    const renamed = `accounts {
      ${account("EXEC", pub("exec", '"titan.evt.>"'), `imports: [ { stream: { account: Q, subject: "titan.cmd.ai.>" }, prefix: "titan.cmd.execution" } ]`)}
      ${account("Q", pub("quant", '"titan.cmd.ai.>"'))}
    }`;
    expect(problems(renamed)).toEqual([
      expect.stringContaining(
        "user 'quant' of account 'Q' may publish 'titan.cmd.ai.x', which arrives as command subject 'titan.cmd.execution.titan.cmd.ai.x'",
      ),
    ]);
    // A `to` outside the command space is no rename into it.
    expect(problems(renamed.replace('prefix: "titan.cmd.execution"', 'to: "ai.proposals.>"'))).toEqual([]);
    // The global account of top-level users is a known account to import from.
    const global = `authorization { users: [ ${pub("g", '"titan.evt.>"')} ] }
      accounts { ${account("A", pub("a", '"x"'), 'imports: [ { stream: { account: "$G", subject: "titan.evt.>" } } ]')} }`;
    expect(problems(global)).toEqual([]);
  });

  it("names every command publisher and forbidden pattern in the message", () => {
    const guard = {
      commandPublishers: ["brain", "ops"],
      forbidden: ["titan.cmd.>", "titan.admin.>"],
      exemptions: {},
    };
    const conf = `authorization { users: [ ${pub("hunter", '"titan.evt.>"')} ] }\nmappings: { "titan.evt.x": "titan.admin.y" }`;
    expect(accountProblems(parseNatsConf(conf).root, guard)).toEqual([
      expect.stringContaining("; only brain, ops may publish under titan.cmd.>, titan.admin.>. Fix:"),
    ]);
  });

  it("refuses a service import that delivers a user's requests onto command subjects", () => {
    const conf = (user: string) => `accounts {
      ${account("EXEC", pub("exec", '"titan.evt.>"'), `exports: [ { service: "titan.cmd.execution.place" } ]`)}
      ${account("STRAT", pub(user, '"orders.>"'), `imports: [ { service: { account: EXEC, subject: "titan.cmd.execution.place" }, to: "orders.place" } ]`)}
    }`;
    expect(problems(conf("strat"))).toEqual([
      `account 'strat' imports service 'titan.cmd.execution.place' from account 'EXEC' as 'orders.place': user 'strat' may publish 'orders.place', which is delivered to command subject 'titan.cmd.execution.place' in account 'EXEC'; ${ONLY}. Fix: do not import command subjects as a service`,
    ]);
    expect(problems(conf("brain"))).toEqual([]);
    expect(problems(conf("strat").replace('"orders.>"', '"titan.evt.>"'))).toEqual([]);
  });

  it("refuses any import or export of the JetStream API", () => {
    const conf = `accounts {
      ${account("EXEC", pub("exec", '"titan.evt.>"'), `exports: [ { service: "$JS.API.>" }, { stream: ">" }, { service: "titan.rpc.>" } ]`)}
      ${account("STRAT", pub("strat", '"js.>"'), `imports: [ { service: { account: EXEC, subject: "$JS.API.>" }, to: "js.>" } ]`)}
    }`;
    expect(problems(conf)).toEqual([
      "account 'exec' exports service '$JS.API.>', inside the JetStream API ($JS.API.>): another account would reach its streams and their administration. Fix: do not export the JetStream API",
      "account 'exec' exports stream '>', inside the JetStream API ($JS.API.>): another account would reach its streams and their administration. Fix: do not export the JetStream API",
      "account 'strat' imports service '$JS.API.>' from account 'EXEC' as 'js.>', inside the JetStream API ($JS.API.>): one account would call another's JetStream API, past its own deny list. Fix: do not import the JetStream API",
    ]);
  });

  it("refuses mappings that rewrite a user's publications into commands or the JetStream API", () => {
    // nats-server 2.9.10 checks the rewritten subject against the publisher's permissions, but
    // later versions differ (nats-server#6902); a rename into the command space is refused outright.
    const conf = (mappings: string) =>
      `authorization { users: [ ${pub("hunter", '"titan.evt.>"')} ] }\nmappings: { ${mappings} }`;
    expect(problems(conf('"titan.evt.place": "titan.cmd.execution.place"'))).toEqual([
      `mapping 'titan.evt.place' -> 'titan.cmd.execution.place' in account '$G': user 'hunter' may publish 'titan.evt.place', which the server rewrites into command subject 'titan.cmd.execution.place'; ${ONLY}. Fix: map only into subjects the user may publish itself`,
    ]);
    expect(
      problems(conf('"titan.evt.x": [ { destination: "$JS.API.STREAM.DELETE.X", weight: "100%" } ]')),
    ).toEqual([
      "mapping 'titan.evt.x' -> '$JS.API.STREAM.DELETE.X' in account '$G': user 'hunter' may publish 'titan.evt.x', which the server rewrites into the JetStream API ($JS.API.>), past its deny list. Fix: map only into subjects the user may publish itself",
    ]);
    expect(problems(conf('"titan.evt.place": "titan.evt.placed"'))).toEqual([]);
    expect(problems(conf('"titan.rpc.x": "titan.cmd.x"'))).toEqual([]);
    // Keys are lower-cased by the parser: the source is compared without case, never narrower.
    expect(
      problems(
        `authorization { users: [ ${pub("hunter", '"EVT.>"')} ] }\nmappings: { "EVT.place": "titan.cmd.$1" }`,
      ),
    ).toEqual([expect.stringContaining("user 'hunter' may publish 'evt.place'")]);
    expect(
      accountProblems(
        parseNatsConf(`accounts { ${account("A", pub("a", '"x.>"'), 'mappings: { "x.y": "titan.cmd.y" }')} }`)
          .root,
        GUARD,
      ),
    ).toEqual([
      expect.stringContaining("mapping 'x.y' -> 'titan.cmd.y' in account 'a': user 'a' may publish 'x.y'"),
    ]);
  });

  it("fails closed on what it cannot read", () => {
    expect(problems(`accounts { ${account("A", pub("a", '"x"'), "imports: $IMPORTS")} }`)).toEqual([
      "account 'a' imports is the unresolved variable $IMPORTS, not a list, so it cannot be checked",
    ]);
    expect(
      problems(`accounts { ${account("A", pub("a", '"x"'), 'exports: [ "x", { subject: "y" } ]')} }`),
    ).toEqual([
      "account 'a' export 1 is 'x', not a map, so it cannot be checked",
      "account 'a' export 2 names no stream or service subject it can read, so it cannot be checked",
    ]);
    expect(
      problems(
        `accounts { ${account("A", pub("a", '"x"'), 'imports: [ { stream: "x" }, { service: { account: B, subject: "y" } } ]')} }`,
      ),
    ).toEqual([
      "account 'a' import 1 names no { account, subject } it can read (stream 'x', service missing), so it cannot be checked",
      "account 'a' import 2 imports from account 'B', which this config does not define",
    ]);
    expect(
      problems(`accounts {
        ${account("A", pub("a", '"x"'), "imports: [ { stream: { account: B, subject: y }, prefix: $P } ]")}
        ${account("B", pub("b", '"y"'))}
      }`),
    ).toEqual([
      "account 'a' import 1 has a prefix that is the unresolved variable $P, so where it lands cannot be checked",
    ]);
    expect(problems("mappings: [ a ]")).toEqual([
      "mappings of account '$G' is a list, not a map, so it cannot be checked",
    ]);
    expect(problems('mappings: { "a": [ { weight: 1 } ] }')).toEqual([
      "mappings of account '$G': 'a' maps to missing, so it cannot be checked",
    ]);
  });

  it("counts a deny list in a mapping check only where it blocks every spelling of the lower-cased source", () => {
    // Subjects are case-sensitive: on nats-server 2.9.10 a user allowed EVT.> and denied EVT.Place
    // publishes EVT.place, and a mapping keyed "EVT.place" rewrites it. The parser keys it as
    // "evt.place", so the deny of EVT.Place must not be taken to block it.
    const conf = (deny: string) =>
      `authorization { users: [ { user: hunter, password: p, permissions: { publish: { allow: "EVT.>", deny: ${deny} } } } ] }\nmappings: { "EVT.place": "titan.cmd.x" }`;
    expect(problems(conf('"EVT.Place"'))).toEqual([
      `mapping 'evt.place' -> 'titan.cmd.x' in account '$G': user 'hunter' may publish 'evt.place', which the server rewrites into command subject 'titan.cmd.x'; ${ONLY}. Fix: map only into subjects the user may publish itself`,
    ]);
    expect(problems(conf('"evt.place"'))).toEqual([expect.stringContaining("user 'hunter' may publish")]);
    // A deny without letters blocks every spelling: the safe neighbour.
    expect(problems(conf('"*.*"'))).toEqual([]);
  });

  it("applies an exemption to a stream renamed with `to` never, and to an unrenamed service import always", () => {
    const renamed = `accounts {
      ${account("EXEC", pub("exec", '"titan.evt.>"'), `imports: [ { stream: { account: Q, subject: "titan.cmd.ai.>" }, to: "titan.cmd.execution.>" } ]`)}
      ${account("Q", pub("quant", '"titan.cmd.ai.>"'))}
    }`;
    expect(problems(renamed)).toEqual([
      `account 'exec' imports stream 'titan.cmd.ai.>' from account 'Q' as 'titan.cmd.execution.>': user 'quant' of account 'Q' may publish 'titan.cmd.ai.x', which arrives as command subject 'titan.cmd.execution.>'; ${ONLY}. Fix: import it under a subject outside titan.cmd.>`,
    ]);
    const service = (user: string, allow: string) => `accounts {
      ${account("EXEC", pub("exec", '"titan.evt.>"'), `exports: [ { service: "titan.cmd.>" } ]`)}
      ${account("Q", pub(user, allow), `imports: [ { service: { account: EXEC, subject: "titan.cmd.ai.>" } } ]`)}
    }`;
    expect(problems(service("quant", '"titan.cmd.ai.>"'))).toEqual([]);
    expect(problems(service("strat", '"titan.cmd.ai.>"'))).toEqual([
      `account 'q' imports service 'titan.cmd.ai.>' from account 'EXEC' as 'titan.cmd.ai.>': user 'strat' may publish 'titan.cmd.ai.x', which is delivered to command subject 'titan.cmd.ai.x' in account 'EXEC'; ${ONLY}. Fix: do not import command subjects as a service`,
    ]);
  });

  it("leaves a service import of subjects outside the command space alone, whatever it is renamed to", () => {
    const conf = `accounts {
      ${account("EXEC", pub("exec", '"titan.evt.>"'), `exports: [ { service: "titan.rpc.>" } ]`)}
      ${account("STRAT", pub("strat", '"orders.>"'), `imports: [ { service: { account: EXEC, subject: "titan.rpc.x" }, to: "orders.x" } ]`)}
    }`;
    expect(problems(conf)).toEqual([]);
  });

  it("names every forbidden pattern in the fix of a stream import", () => {
    const guard = {
      commandPublishers: ["brain"],
      forbidden: ["titan.cmd.>", "titan.admin.>"],
      exemptions: {},
    };
    const conf = `accounts {
      ${account("EXEC", pub("exec", '"titan.evt.>"'), `imports: [ { stream: { account: STRAT, subject: "cmd.>" }, prefix: "titan" } ]`)}
      ${account("STRAT", pub("strat", '"cmd.>"'))}
    }`;
    expect(accountProblems(parseNatsConf(conf).root, guard)).toEqual([
      expect.stringMatching(
        /^account 'exec' imports stream 'cmd\.>' .*; only brain may publish under titan\.cmd\.>, titan\.admin\.>\. Fix: import it under a subject outside titan\.cmd\.>, titan\.admin\.>$/,
      ),
    ]);
  });

  it("fails closed on an export or import whose kind is named but whose subject or account cannot be read", () => {
    const conf = (extra: string) => `accounts {
      ${account("A", pub("a", '"x"'), extra)}
      ${account("B", pub("b", '"y"'))}
    }`;
    expect(problems(conf("exports: [ { service: $SVC }, { stream: [ x ] } ]"))).toEqual([
      "account 'a' export 1 names no stream or service subject it can read, so it cannot be checked",
      "account 'a' export 2 names no stream or service subject it can read, so it cannot be checked",
    ]);
    expect(
      problems(
        conf(
          'imports: [ { stream: { subject: "y" } }, { service: { account: B } }, { stream: { account: B, subject: $S } } ]',
        ),
      ),
    ).toEqual([
      "account 'a' import 1 names no { account, subject } it can read (stream a map, service missing), so it cannot be checked",
      "account 'a' import 2 names no { account, subject } it can read (stream missing, service a map), so it cannot be checked",
      "account 'a' import 3 names no { account, subject } it can read (stream a map, service missing), so it cannot be checked",
    ]);
    expect(problems(conf("exports: { stream: x }"))).toEqual([
      "account 'a' exports is a map, not a list, so it cannot be checked",
    ]);
  });

  it("ignores a prefix on a service import, as nats-server does", () => {
    // nats-server 2.9.10: with prefix "orders" on this service import, a STRAT user's request on
    // titan.cmd.execution.place reaches EXEC, and one on orders.titan.cmd.execution.place does not.
    const conf = (allow: string) => `accounts {
      ${account("EXEC", pub("exec", '"titan.evt.>"'), `exports: [ { service: "titan.cmd.execution.place" } ]`)}
      ${account("STRAT", pub("strat", allow), `imports: [ { service: { account: EXEC, subject: "titan.cmd.execution.place" }, prefix: "orders" } ]`)}
    }`;
    expect(problems(conf('"orders.>"'))).toEqual([]);
    expect(problems(conf('"titan.cmd.>"'))).toEqual([
      `account 'strat' imports service 'titan.cmd.execution.place' from account 'EXEC' as 'titan.cmd.execution.place': user 'strat' may publish 'titan.cmd.execution.place', which is delivered to command subject 'titan.cmd.execution.place' in account 'EXEC'; ${ONLY}. Fix: do not import command subjects as a service`,
    ]);
  });
});
