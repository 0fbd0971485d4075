import { describe, expect, it } from "vitest";
import { natsUsers } from "../../lib/nats-auth";
import { parseNatsConf, UnresolvedVariable } from "../../lib/nats-conf";
import { allowsResponses, responseHijacks } from "../../lib/nats-responses";

const usersOf = (text: string) => natsUsers(parseNatsConf(`authorization { users: [ ${text} ] }`).root);
const EXEC = (extra: string, subscribe = '"titan.req.>"') =>
  `{ user: exec, permissions: { publish: "titan.evt.>", subscribe: ${subscribe} ${extra} } }`;
const STRAT = `{ user: strat, permissions: { publish: "titan.req.hash", subscribe: "_INBOX.>" } }`;
const BRAIN = `{ user: brain }`;

describe("allow_responses", () => {
  it("is on for true, a map or anything unreadable, and off when absent or false", () => {
    expect(allowsResponses({ allow_responses: true })).toBe(true);
    expect(allowsResponses({ allow_responses: { max: 1, expires: "1m" } })).toBe(true);
    expect(allowsResponses({ allow_responses: new UnresolvedVariable("R") })).toBe(true);
    expect(allowsResponses({ allow_responses: "yes" })).toBe(true);
    expect(allowsResponses({ allow_responses: false })).toBe(false);
    expect(allowsResponses({ publish: "a" })).toBe(false);
    expect(allowsResponses(undefined)).toBe(false);
    expect(allowsResponses("x")).toBe(false);
  });
});

describe("responseHijacks", () => {
  it("names the responder, a requester that can reach it and the subject", () => {
    const users = usersOf([EXEC(", allow_responses: true"), STRAT, BRAIN].join(", "));
    expect(responseHijacks(users, ["brain"])).toEqual([
      { responder: "exec", requester: "strat", subject: "titan.req.hash" },
    ]);
  });

  it("ignores trusted requesters and trusted responders", () => {
    const onlyBrainAsks = usersOf(
      [
        EXEC(", allow_responses: true"),
        `{ user: strat, permissions: { publish: "titan.evt.x" } }`,
        BRAIN,
      ].join(", "),
    );
    expect(responseHijacks(onlyBrainAsks, ["brain"])).toEqual([]);
    const brainResponds = usersOf(
      [`{ user: brain, permissions: { allow_responses: true } }`, STRAT].join(", "),
    );
    expect(responseHijacks(brainResponds, ["brain"])).toEqual([]);
    expect(responseHijacks(brainResponds, [])).toEqual([
      { responder: "brain", requester: "brain", subject: "x" },
    ]);
  });

  it("counts the responder asking itself", () => {
    const users = usersOf(
      `{ user: exec, permissions: { publish: "titan.req.self", subscribe: "titan.req.>", allow_responses: true } }`,
    );
    expect(responseHijacks(users, [])).toEqual([
      { responder: "exec", requester: "exec", subject: "titan.req.self" },
    ]);
  });

  it("is clear when the responder's subscribe deny list covers what requesters may publish", () => {
    const denied = usersOf(
      [EXEC(", allow_responses: true", '{ allow: "titan.req.>", deny: "titan.req.hash" }'), STRAT].join(", "),
    );
    expect(responseHijacks(denied, [])).toEqual([]);
    // A deny naming only a queue group leaves the plain subscription open.
    const queueDeny = usersOf(
      [EXEC(", allow_responses: true", '{ allow: "titan.req.>", deny: "titan.req.hash q" }'), STRAT].join(
        ", ",
      ),
    );
    expect(responseHijacks(queueDeny, [])).toEqual([
      { responder: "exec", requester: "strat", subject: "titan.req.hash" },
    ]);
  });

  it("is clear without allow_responses, and with it switched off", () => {
    expect(responseHijacks(usersOf([EXEC(""), STRAT].join(", ")), [])).toEqual([]);
    expect(responseHijacks(usersOf([EXEC(", allow_responses: false"), STRAT].join(", ")), [])).toEqual([]);
  });
});
