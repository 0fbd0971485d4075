import { describe, expect, it } from "vitest";
import { NATS_CORE_SUBJECTS, NATS_USERS, natsPermissionsFor } from "../../infra/model/nats-permissions";
import { CONTRACT_SUBJECTS, matches } from "../builders/nats-oracle";

describe("NATS permission table", () => {
  it("matches Titan's contract, less what the threat model refuses", () => {
    for (const user of NATS_USERS) {
      expect(NATS_CORE_SUBJECTS[user].publish).toEqual(CONTRACT_SUBJECTS[user].publish);
      expect(NATS_CORE_SUBJECTS[user].subscribe).toEqual(CONTRACT_SUBJECTS[user].subscribe);
    }
  });

  it("keeps the command invariants in the allow lists", () => {
    for (const user of NATS_USERS.filter((u) => u !== "brain")) {
      const p = natsPermissionsFor(user);
      for (const allow of p.publishAllow) {
        if (allow.startsWith("titan.cmd.")) {
          expect(user).toBe("quant");
          expect(allow.startsWith("titan.cmd.ai.")).toBe(true);
        }
        expect(allow).not.toBe(">");
        expect(allow.startsWith("$JS.API.STREAM.DELETE")).toBe(false);
        expect(allow).not.toBe("$JS.API.>");
      }
      expect(p.publishDeny).toContain("$JS.API.STREAM.DELETE.>");
      expect(p.publishDeny).toContain("$JS.API.STREAM.PURGE.>");
      expect(p.publishDeny).toContain(user === "quant" ? "titan.cmd.execution.>" : "titan.cmd.>");
    }
    expect(natsPermissionsFor("console").publishAllow.filter((s) => s.startsWith("titan."))).toEqual([]);
    expect(natsPermissionsFor("console").publishDeny).toContain("titan.>");
  });

  it("every deny entry agrees with DESIGN (a deny never removes a DESIGN-granted subject)", () => {
    for (const user of NATS_USERS) {
      const p = natsPermissionsFor(user);
      for (const deny of p.publishDeny) {
        for (const allow of CONTRACT_SUBJECTS[user].publish) expect(matches(deny, allow)).toBe(false);
      }
      for (const deny of p.subscribeDeny) {
        for (const allow of CONTRACT_SUBJECTS[user].subscribe) expect(matches(deny, allow)).toBe(false);
      }
    }
  });

  it("grants exactly the JetStream API calls the user's client makes, never administration", () => {
    for (const user of NATS_USERS.filter((u) => u !== "brain")) {
      const js = natsPermissionsFor(user).publishAllow.filter((s) => s.startsWith("$JS."));
      const api = js.filter((s) => s.startsWith("$JS.API."));
      expect([user, api]).toEqual([user, CONTRACT_SUBJECTS[user].jsApi]);
      for (const subject of js) {
        expect(subject).toMatch(
          /^\$JS\.(API\.(INFO|STREAM\.(INFO|CREATE|NAMES)|CONSUMER\.(INFO|CREATE|MSG\.NEXT))|ACK)/,
        );
      }
    }
    // execution's pull consumers ack their own messages, and nothing else.
    expect(natsPermissionsFor("execution").publishAllow.filter((s) => s.startsWith("$JS.ACK."))).toEqual([
      "$JS.ACK.TITAN_CMD.EXECUTION_CORE.>",
      "$JS.ACK.TITAN_CMD.RISK_ENFORCER.>",
    ]);
    expect(natsPermissionsFor("console").publishAllow).toEqual(["$JS.API.INFO"]);
  });
});
