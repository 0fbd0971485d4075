// NATS users, subject permissions and JetStream table, derived from Titan's contract
// (data/titan-contract.json: what each service's client really publishes, subscribes and asks the
// JetStream API) and narrowed by the threat model. The one source for nats.conf and the tests.
import { contractService, loadTitanContract, type TitanNats } from "./titan-contract";

export const NATS_USERS = [
  "brain",
  "execution",
  "scavenger",
  "hunter",
  "sentinel",
  "quant",
  "powerlaw",
  "console",
] as const;
export type NatsUser = (typeof NATS_USERS)[number];

/** The Titan service (contract name) each NATS user is. */
export const CONTRACT_SERVICE_OF: Readonly<Record<NatsUser, string>> = {
  brain: "titan-brain",
  execution: "titan-execution-rs",
  scavenger: "titan-phase1-scavenger",
  hunter: "titan-phase2-hunter",
  sentinel: "titan-phase3-sentinel",
  quant: "titan-ai-quant",
  powerlaw: "titan-powerlaw-lab",
  console: "titan-console-api",
};

const CONTRACT = loadTitanContract();
const natsOf = (user: NatsUser): TitanNats => contractService(CONTRACT, CONTRACT_SERVICE_OF[user]).nats;

/** Core (non-JetStream) subjects each user may use. */
export interface CoreSubjects {
  publish: readonly string[];
  subscribe: readonly string[];
  /** Answers requests: it publishes its replies on the requesters' inboxes. */
  respondsToRequests: boolean;
}

/**
 * Where every Titan client's request replies arrive (nats.js and async-nats default inbox prefix;
 * the contract's `inboxPrefix`). A responder may publish here and nowhere else for its replies:
 * nats-server's `allow_responses` would let it publish to whatever reply subject a requester names,
 * past its deny list, so a strategy could make execution publish `titan.cmd.execution.place.v1`.
 */
export const REPLY_INBOXES = "_INBOX.>";

/**
 * What the threat model forbids although Titan's code asks for it: no one but brain commands
 * execution (the strategies publish `titan.cmd.execution.place…` directly; the stack refuses it,
 * their orders go through brain as `titan.signal.submit.v1`), and console is read-only (its
 * `titan.ops.command.v1` is for titan-opsd, which the stack does not deploy).
 */
export function refusedByThreatModel(user: NatsUser, subject: string): string | undefined {
  if (user === "brain") return undefined;
  if (user === "console") return "console is read-only";
  if (subject === "titan.cmd" || subject.startsWith("titan.cmd.")) {
    if (user === "quant" && subject.startsWith("titan.cmd.ai.")) return undefined;
    return "only brain may publish commands";
  }
  return undefined;
}

function coreSubjectsOf(user: NatsUser): CoreSubjects {
  if (user === "brain") return { publish: [">"], subscribe: [">"], respondsToRequests: false };
  const n = natsOf(user);
  const subscribe = [...n.subscribe];
  if (n.inboxPrefix) subscribe.push(`${n.inboxPrefix}.>`);
  // RPC and request subjects are answered on the requester's inbox.
  const respondsToRequests = n.subscribe.some(
    (s) => s.startsWith("titan.rpc.") || s.startsWith("titan.req."),
  );
  const publish = [...n.publish, ...n.request].filter((s) => !refusedByThreatModel(user, s));
  if (respondsToRequests && !publish.includes(REPLY_INBOXES)) publish.push(REPLY_INBOXES);
  return { publish, subscribe, respondsToRequests };
}

export const NATS_CORE_SUBJECTS: Readonly<Record<NatsUser, CoreSubjects>> = Object.fromEntries(
  NATS_USERS.map((u) => [u, coreSubjectsOf(u)]),
) as Record<NatsUser, CoreSubjects>;

export interface JetStreamConsumer {
  /** Durable name (no dots or wildcards). */
  durable: string;
  user: NatsUser;
  filterSubject: string;
}

export interface JetStreamStream {
  name: string;
  subjects: readonly string[];
  consumers: readonly JetStreamConsumer[];
}

/** Every stream a Titan client creates, with the durable consumers that really get created. */
export const NATS_STREAMS: readonly JetStreamStream[] = (() => {
  const streams = new Map<string, { subjects: string[]; consumers: JetStreamConsumer[] }>();
  for (const user of NATS_USERS) {
    for (const s of natsOf(user).streamsCreated) {
      if (!streams.has(s.name)) streams.set(s.name, { subjects: [...s.subjects], consumers: [] });
    }
  }
  for (const user of NATS_USERS) {
    for (const c of natsOf(user).consumers) {
      if (!c.created || c.filter === undefined) continue;
      streams.get(c.stream)?.consumers.push({ durable: c.durable, user, filterSubject: c.filter });
    }
  }
  return [...streams].map(([name, s]) => ({ name, subjects: s.subjects, consumers: s.consumers }));
})();

/** JetStream administration no user but brain may ever do, whatever Titan's client tries. */
const JS_ADMIN = [
  "$JS.API.STREAM.UPDATE.",
  "$JS.API.STREAM.DELETE.",
  "$JS.API.STREAM.PURGE.",
  "$JS.API.STREAM.MSG.DELETE.",
  "$JS.API.STREAM.SNAPSHOT.",
  "$JS.API.STREAM.RESTORE.",
  "$JS.API.CONSUMER.DELETE.",
];

/** Second guard: denied even if an allow entry were ever widened by mistake. */
const JS_ADMIN_DENY = [
  ...JS_ADMIN.map((p) => `${p}>`),
  "$JS.API.STREAM.PEER.>",
  "$JS.API.STREAM.LEADER.>",
  "$JS.API.CONSUMER.DURABLE.CREATE.>",
  "$JS.API.ACCOUNT.>",
  "$JS.API.SERVER.>",
  "$JS.API.META.>",
  "$SYS.>",
];

/** Commands other than quant's AI commands; quant's deny list cannot name titan.cmd.> itself. */
const NON_AI_COMMANDS = [
  "titan.cmd.execution.>",
  "titan.cmd.sys.>",
  "titan.cmd.risk.>",
  "titan.cmd.operator.>",
  "titan.cmd.config.>",
  "titan.cmd.hunter.>",
  "titan.cmd.sentinel.>",
  "titan.cmd.scavenger.>",
  "titan.cmd.*",
];

/**
 * The exact JetStream API subjects a user's client sends (contract `jsApi`), less administration;
 * console gets only `$JS.API.INFO` (its client's `jetstreamManager()` check), no stream creation.
 * Pull consumers also ack on `$JS.ACK.<stream>.<durable>.>`.
 */
export function jetStreamApiFor(user: NatsUser): string[] {
  const n = natsOf(user);
  const api = n.jsApi.filter((s) => !JS_ADMIN.some((p) => s.startsWith(p)));
  const allowed = user === "console" ? api.filter((s) => s === "$JS.API.INFO") : api;
  const acks = n.consumers
    .filter((c) => c.created && c.kind === "pull")
    .map((c) => `$JS.ACK.${c.stream}.${c.durable}.>`);
  return [...allowed, ...acks];
}

export interface UserPermissions {
  publishAllow: readonly string[];
  publishDeny: readonly string[];
  subscribeAllow: readonly string[];
  subscribeDeny: readonly string[];
}

export function natsPermissionsFor(user: NatsUser): UserPermissions {
  const core = NATS_CORE_SUBJECTS[user];
  if (user === "brain") {
    return {
      publishAllow: core.publish,
      publishDeny: [],
      subscribeAllow: core.subscribe,
      subscribeDeny: [],
    };
  }
  const jsApi = jetStreamApiFor(user);
  const createsStreams = jsApi.some((s) => s.startsWith("$JS.API.STREAM.CREATE."));
  const commandDeny = user === "quant" ? NON_AI_COMMANDS : ["titan.cmd.>"];
  const readOnlyDeny = user === "console" ? ["titan.>", "powerlaw.>"] : [];
  return {
    publishAllow: [...core.publish, ...jsApi],
    publishDeny: [
      ...commandDeny,
      ...readOnlyDeny,
      // A user that creates named streams cannot also have every creation denied (deny wins).
      ...(createsStreams ? [] : ["$JS.API.STREAM.CREATE.>"]),
      ...JS_ADMIN_DENY,
    ],
    subscribeAllow: core.subscribe,
    // Commands to execution are for execution's eyes only; JetStream API traffic is brain's.
    subscribeDeny: [
      ...(user === "execution" ? [] : ["titan.cmd.execution.>"]),
      "$JS.API.>",
      "$JS.ACK.>",
      "$SYS.>",
    ],
  };
}
