// Who may connect at all. Every client must prove an identity of its own (a user with a bcrypt
// password or an nkey): a shared token, a user taken without credentials, users kept outside the
// file (operator/JWT mode) or a user list the parser cannot read all fail closed.
import { natsUsers } from "./nats-auth";
import { isNatsMap, type NatsMap, type NatsValue } from "./nats-conf";

const FIX_USERS = "give each service its own user with a bcrypt password or nkey";

/** Keys that switch nats-server to decentralised (JWT) auth: users then live outside this file. */
const OPERATOR_KEYS = ["operator", "operators", "resolver", "trusted", "trusted_keys"] as const;

function describe(value: NatsValue): string {
  if (Array.isArray(value)) return "a list";
  if (isNatsMap(value)) return "a map";
  if (typeof value === "object") return `the unresolved variable $${value.name}`;
  return `'${String(value)}'`;
}

/** A users list that is not a list of maps lets users through unread. */
function unreadableUsers(where: string, block: NatsMap): string[] {
  const list = block.users;
  if (list === undefined) return [];
  if (!Array.isArray(list))
    return [`${where} users is ${describe(list)}, not a list of users, so it cannot be checked`];
  return list.flatMap((entry, i) =>
    isNatsMap(entry) ? [] : [`${where} users entry ${i + 1} is ${describe(entry)}, not a user map`],
  );
}

function readabilityProblems(root: NatsMap): string[] {
  const problems: string[] = [];
  const authorization = root.authorization;
  if (authorization !== undefined && !isNatsMap(authorization))
    problems.push(`authorization is ${describe(authorization)}, not a map, so it cannot be checked`);
  if (isNatsMap(authorization)) problems.push(...unreadableUsers("authorization", authorization));
  const accounts = root.accounts;
  if (accounts !== undefined && !isNatsMap(accounts))
    problems.push(`accounts is ${describe(accounts)}, not a map, so it cannot be checked`);
  if (isNatsMap(accounts)) {
    for (const [name, account] of Object.entries(accounts)) {
      if (isNatsMap(account)) problems.push(...unreadableUsers(`account '${name}'`, account));
      else problems.push(`account '${name}' is ${describe(account)}, not a map, so it cannot be checked`);
    }
  }
  return problems;
}

/** Problems with how clients authenticate, before any per-user check. */
export function identityProblems(root: NatsMap): string[] {
  const problems = readabilityProblems(root);
  const authorization = isNatsMap(root.authorization) ? root.authorization : {};
  if (authorization.token !== undefined)
    problems.push(
      `authorization has a token: every client that knows it connects with one shared identity and the same rights. Fix: remove the token and ${FIX_USERS}`,
    );
  for (const [where, block] of [
    ["the config", root],
    ["authorization", authorization],
  ] as const) {
    const user = block.no_auth_user;
    if (user !== undefined)
      problems.push(
        `${where} sets no_auth_user ${describe(user)}: a client that sends no credentials is taken as that user. Fix: remove no_auth_user`,
      );
  }
  for (const key of OPERATOR_KEYS) {
    if (root[key] !== undefined)
      problems.push(
        `'${key}' turns on operator (JWT) mode: users and their rights live in JWTs outside this file and cannot be checked. Fix: define the users in authorization`,
      );
  }
  if (natsUsers(root).length === 0)
    problems.push(
      `no user is defined (no authorization or accounts users), so any client connects without credentials. Fix: ${FIX_USERS}`,
    );
  return problems;
}
