// Independent oracle for the NATS tests: Titan's contract read as raw JSON (not through the
// builder) plus the threat model's rules written out again here, and NATS subject matching, so a
// wrong builder table cannot also make the test agree.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { NatsUser } from "../../infra/model/nats-permissions";

interface RawNats {
  user: string | null;
  publish: string[];
  subscribe: string[];
  request: string[];
  inboxPrefix: string | null;
  jsApi: string[];
}
const RAW = JSON.parse(readFileSync(join(__dirname, "../../data/titan-contract.json"), "utf8")) as {
  services: { nats: RawNats }[];
};
const rawNats = (user: NatsUser): RawNats => {
  const found = RAW.services.find((s) => s.nats.user === user);
  if (!found) throw new Error(`contract has no service with NATS user ${user}`);
  return found.nats;
};
const isCommand = (s: string) => s === "titan.cmd" || s.startsWith("titan.cmd.");
/** The threat model: commands are brain's (quant's AI commands aside); console is read-only. */
const refused = (user: NatsUser, s: string) =>
  user === "console" || (isCommand(s) && !(user === "quant" && s.startsWith("titan.cmd.ai.")));

const USERS: NatsUser[] = [
  "brain",
  "execution",
  "scavenger",
  "hunter",
  "sentinel",
  "quant",
  "powerlaw",
  "console",
];

/** Each user's subjects as the contract gives them, less what the threat model refuses. */
export const CONTRACT_SUBJECTS: Record<
  NatsUser,
  { publish: string[]; subscribe: string[]; jsApi: string[] }
> = Object.fromEntries(
  USERS.map((user) => {
    if (user === "brain") return [user, { publish: [">"], subscribe: [">"], jsApi: [] }];
    const n = rawNats(user);
    return [
      user,
      {
        // A service that answers RPCs replies on the requesters' inboxes, and only there.
        publish: [
          ...[...n.publish, ...n.request].filter((s) => !refused(user, s)),
          ...(n.subscribe.some((s) => /^titan\.(rpc|req)\./.test(s)) ? ["_INBOX.>"] : []),
        ],
        subscribe: [...n.subscribe, ...(n.inboxPrefix ? [`${n.inboxPrefix}.>`] : [])],
        jsApi: n.jsApi.filter(
          (s) =>
            !/^\$JS\.API\.(STREAM\.(UPDATE|DELETE|PURGE|MSG\.DELETE)|CONSUMER\.DELETE)\./.test(s) &&
            (user !== "console" || s === "$JS.API.INFO"),
        ),
      },
    ];
  }),
) as Record<NatsUser, { publish: string[]; subscribe: string[]; jsApi: string[] }>;

/** NATS matching: does `pattern` match `subject` (subject tokens taken literally)? */
export function matches(pattern: string, subject: string): boolean {
  const p = pattern.split(".");
  const s = subject.split(".");
  for (let i = 0; i < p.length; i++) {
    const token = p[i];
    if (token === ">") return s.length > i;
    if (i >= s.length) return false;
    if (token !== "*" && token !== s[i]) return false;
  }
  return p.length === s.length;
}

/** Expected publish outcome from the contract and the threat model alone. */
export function expectPublish(user: NatsUser, subject: string): boolean {
  if (user === "brain") return true;
  if (subject.startsWith("$JS.API.")) return CONTRACT_SUBJECTS[user].jsApi.includes(subject);
  if (refused(user, subject)) return false;
  return CONTRACT_SUBJECTS[user].publish.some((p) => matches(p, subject));
}

export function expectSubscribe(user: NatsUser, subject: string): boolean {
  return CONTRACT_SUBJECTS[user].subscribe.some((p) => matches(p, subject));
}

/** A concrete subject matched by a pattern (">" and "*" replaced by probe tokens). */
export function concrete(pattern: string): string {
  return pattern.replace(/>$/, "probe.v1").replace(/\*/g, "probe");
}
