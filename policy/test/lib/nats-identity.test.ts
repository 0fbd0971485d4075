import { describe, expect, it } from "vitest";
import { parseNatsConf } from "../../lib/nats-conf";
import { identityProblems } from "../../lib/nats-identity";

const problems = (conf: string) => identityProblems(parseNatsConf(conf).root);
const USER = "{ user: brain, password: p }";

describe("nats identity", () => {
  it("accepts users defined in authorization or in an account", () => {
    expect(problems(`authorization { users: [ ${USER} ] }`)).toEqual([]);
    expect(problems(`accounts { A: { users: [ ${USER} ] } }`)).toEqual([]);
  });

  it("fails closed on an authorization block that is not a map", () => {
    expect(problems(`authorization: [ ${USER} ]\naccounts { A: { users: [ ${USER} ] } }`)).toEqual([
      "authorization is a list, not a map, so it cannot be checked",
    ]);
  });

  it("fails closed on a users list that is not a list of user maps", () => {
    expect(problems(`authorization { users: { brain: p } }\naccounts { A: { users: [ ${USER} ] } }`)).toEqual(
      ["authorization users is a map, not a list of users, so it cannot be checked"],
    );
    expect(problems(`accounts { A: { users: [ ${USER}, x, [ y ] ] } }`)).toEqual([
      "account 'a' users entry 2 is 'x', not a user map",
      "account 'a' users entry 3 is a list, not a user map",
    ]);
  });

  it("fails closed on an account that is not a map", () => {
    expect(problems(`accounts { A: { users: [ ${USER} ] }, B: 3, C: $C }`)).toEqual([
      "account 'b' is '3', not a map, so it cannot be checked",
      "account 'c' is the unresolved variable $C, not a map, so it cannot be checked",
    ]);
  });
});
