import { isNatsMap, type NatsMap, type NatsValue, UnresolvedVariable } from "./nats-conf";
import type { PublishRights } from "./nats-subjects";

export interface NatsUser {
  readonly name: string;
  /** The account the user belongs to, lower-cased as the parser keys it; "$G" for top-level users. */
  readonly account: string;
  readonly password: NatsValue | undefined;
  readonly nkey: NatsValue | undefined;
  readonly permissions: NatsValue | undefined;
}

/** nats-server's name for the account of users defined under the top-level `authorization`. */
export const GLOBAL_ACCOUNT = "$G";

const EVERYTHING: PublishRights = { allow: [">"], deny: [] };

function text(value: NatsValue | undefined): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

function usersOf(block: NatsMap, account: string): NatsUser[] {
  const defaults = block.default_permissions;
  const users: NatsUser[] = [];
  const list = block.users;
  for (const entry of Array.isArray(list) ? list : []) {
    if (!isNatsMap(entry)) continue;
    users.push({
      name: text(entry.user ?? entry.username ?? entry.nkey) ?? "<unnamed>",
      account,
      password: entry.password ?? entry.pass,
      nkey: entry.nkey,
      permissions: entry.permissions ?? defaults,
    });
  }
  const single = block.user ?? block.username;
  if (single !== undefined) {
    users.push({
      name: text(single) ?? "<unnamed>",
      account,
      password: block.password ?? block.pass,
      nkey: undefined,
      permissions: undefined,
    });
  }
  return users;
}

/** Every user the server will authenticate: top-level authorization and every account. */
export function natsUsers(root: NatsMap): NatsUser[] {
  const users: NatsUser[] = [];
  if (isNatsMap(root.authorization)) users.push(...usersOf(root.authorization, GLOBAL_ACCOUNT));
  if (isNatsMap(root.accounts)) {
    for (const [name, account] of Object.entries(root.accounts)) {
      if (isNatsMap(account)) users.push(...usersOf(account, name));
    }
  }
  return users;
}

/** Subject lists; anything unreadable (an unresolved $variable, a number) means everything. */
function subjectList(
  value: NatsValue | undefined,
  fallback: readonly string[],
): readonly string[] | undefined {
  if (value === undefined) return fallback;
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
  return undefined;
}

/** The allow and deny lists of one direction; a missing section allows everything. */
function rightsOf(permissions: NatsValue | undefined, long: string, short: string): PublishRights {
  if (permissions === undefined) return EVERYTHING;
  if (!isNatsMap(permissions)) return EVERYTHING;
  const section = permissions[long] ?? permissions[short];
  if (section === undefined || section instanceof UnresolvedVariable) return EVERYTHING;
  if (isNatsMap(section)) {
    const allow = subjectList(section.allow, [">"]);
    const deny = subjectList(section.deny, []);
    // An unreadable deny list protects nothing.
    return { allow: allow ?? [">"], deny: deny ?? [] };
  }
  return { allow: subjectList(section, [">"]) ?? [">"], deny: [] };
}

/** What a user may publish. Missing permissions, or a missing publish section, allow everything. */
export function publishRights(permissions: NatsValue | undefined): PublishRights {
  return rightsOf(permissions, "publish", "pub");
}

/**
 * What a user may subscribe to, likewise. An entry may name a queue group after the subject
 * ("titan.rpc.> workers"); only the subject is kept, which allows at least as much.
 */
export function subscribeRights(permissions: NatsValue | undefined): PublishRights {
  const { allow, deny } = rightsOf(permissions, "subscribe", "sub");
  const subject = (entry: string) => entry.trim().split(/\s+/)[0] ?? entry;
  return { allow: allow.map(subject), deny: deny.filter((d) => !/\s/.test(d.trim())).map(subject) };
}

// A user public nkey: "U" and 55 more base32 characters (nats-io/nkeys).
const USER_NKEY = /^U[A-Z2-7]{55}$/;

/**
 * Why a user's credential is not acceptable, or undefined when it is: a bcrypt password, or a
 * user public nkey (the client proves it holds the seed; nothing shared is stored).
 */
export function credentialProblem(user: NatsUser, minCost: number): string | undefined {
  if (user.nkey !== undefined && user.password === undefined) {
    return typeof user.nkey === "string" && USER_NKEY.test(user.nkey)
      ? undefined
      : "has an nkey that is not a user public key (U…, 56 characters)";
  }
  return bcryptProblem(user.password, minCost);
}

const BCRYPT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;

/** Why a password is not an acceptable bcrypt hash, or undefined when it is. */
export function bcryptProblem(password: NatsValue | undefined, minCost: number): string | undefined {
  if (password === undefined) return "has no password";
  if (typeof password !== "string") return "has a password that is not a literal string";
  const match = BCRYPT.exec(password);
  if (!match) return "has a password that is not a bcrypt hash";
  const cost = Number(match[1]);
  return cost < minCost ? `has a bcrypt cost of ${cost} (minimum ${minCost})` : undefined;
}

export interface MonitorEndpoint {
  readonly key: string;
  readonly host: string | undefined;
  readonly port: number | undefined;
}

function splitHostPort(value: string): { host: string | undefined; port: number | undefined } {
  const bracketed = /^\[([^\]]*)\]:(\d+)$/.exec(value);
  if (bracketed) return { host: bracketed[1], port: Number(bracketed[2]) };
  const colon = value.lastIndexOf(":");
  if (colon < 0)
    return /^\d+$/.test(value) ? { host: undefined, port: Number(value) } : { host: value, port: undefined };
  const host = value.slice(0, colon);
  // A bare IPv6 address without brackets has several colons and no port.
  if (host.includes(":")) return { host: value, port: undefined };
  return { host, port: Number(value.slice(colon + 1)) };
}

/** Monitoring endpoints the config enables (http, https, http_port, https_port, monitor_port). */
export function monitorEndpoints(root: NatsMap): MonitorEndpoint[] {
  // nats-server binds the monitor to http_host, else to the client listener's host (host, net or
  // the host part of listen), else to every interface.
  const listenHost = splitHostPort(text(root.listen) ?? "").host;
  const fallbackHost = text(root.http_host) ?? text(root.host) ?? text(root.net) ?? (listenHost || undefined);
  const endpoints: MonitorEndpoint[] = [];
  for (const key of ["http", "https"]) {
    const value = root[key];
    if (value === undefined) continue;
    const { host, port } = splitHostPort(text(value) ?? "");
    endpoints.push({ key, host: host ?? fallbackHost, port });
  }
  for (const key of ["http_port", "https_port", "monitor_port"]) {
    const value = root[key];
    if (value === undefined) continue;
    endpoints.push({
      key,
      host: fallbackHost,
      port: typeof value === "number" ? value : Number(text(value)),
    });
  }
  return endpoints;
}
