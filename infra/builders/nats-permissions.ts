// NATS users, subject permissions and JetStream table (DESIGN.md §3): the one source of truth
// for nats.conf, the tests and any code that needs a user's subjects.

export const NATS_USERS = [
  "brain",
  "execution",
  "scavenger",
  "hunter",
  "sentinel",
  "quant",
  "console",
] as const;
export type NatsUser = (typeof NATS_USERS)[number];

/** Core (non-JetStream) subjects each user may use, from DESIGN.md §3. */
export interface CoreSubjects {
  publish: readonly string[];
  subscribe: readonly string[];
  /** May answer requests it received (publish once to their reply subject). */
  respondsToRequests: boolean;
}

export const NATS_CORE_SUBJECTS: Readonly<Record<NatsUser, CoreSubjects>> = {
  brain: { publish: [">"], subscribe: [">"], respondsToRequests: false },
  execution: {
    publish: [
      "titan.evt.execution.>",
      "titan.execution.>",
      "titan.evt.phase.>",
      "titan.evt.risk.>",
      "titan.evt.analysis.>",
      "titan.dlq.execution.>",
    ],
    subscribe: [
      "titan.cmd.execution.>",
      "titan.cmd.sys.halt.v1",
      "titan.cmd.risk.>",
      "titan.req.exec.>",
      "titan.data.market.>",
      "titan.execution.>",
      "_INBOX.>",
    ],
    // Brain sends titan.req.exec.* as requests; the reply goes to the requester's inbox.
    respondsToRequests: true,
  },
  scavenger: {
    publish: ["titan.evt.scavenger.>", "titan.evt.phase.>"],
    subscribe: ["titan.signal.>", "titan.evt.budget.>", "powerlaw.metrics.>", "_INBOX.>"],
    respondsToRequests: false,
  },
  hunter: {
    publish: ["titan.evt.hunter.>", "titan.evt.phase.>"],
    subscribe: ["titan.cmd.hunter.>", "titan.ai.>", "powerlaw.metrics.>", "_INBOX.>"],
    respondsToRequests: false,
  },
  sentinel: {
    publish: ["titan.evt.sentinel.>", "titan.evt.phase.>"],
    subscribe: ["titan.cmd.sentinel.>", "powerlaw.metrics.>", "_INBOX.>"],
    respondsToRequests: false,
  },
  quant: {
    publish: ["titan.evt.quant.>", "titan.cmd.ai.>"],
    subscribe: ["titan.cmd.ai.>", "titan.evt.>", "titan.data.powerlaw.>", "_INBOX.>"],
    respondsToRequests: false,
  },
  console: {
    publish: [],
    subscribe: ["titan.data.>", "titan.evt.>", "_INBOX.>"],
    respondsToRequests: false,
  },
};

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

/**
 * Streams are created and administered by brain only. Each service binds to its own durable pull
 * consumer; the table below is all the JetStream API a non-brain user gets.
 */
export const NATS_STREAMS: readonly JetStreamStream[] = [
  {
    name: "TITAN_CMD",
    subjects: ["titan.cmd.>"],
    consumers: [
      { durable: "execution-cmd", user: "execution", filterSubject: "titan.cmd.execution.>" },
      { durable: "hunter-cmd", user: "hunter", filterSubject: "titan.cmd.hunter.>" },
      { durable: "sentinel-cmd", user: "sentinel", filterSubject: "titan.cmd.sentinel.>" },
      { durable: "quant-ai", user: "quant", filterSubject: "titan.cmd.ai.>" },
    ],
  },
  {
    name: "TITAN_EVT",
    subjects: ["titan.evt.>"],
    consumers: [
      { durable: "quant-evt", user: "quant", filterSubject: "titan.evt.>" },
      { durable: "console-evt", user: "console", filterSubject: "titan.evt.>" },
    ],
  },
  { name: "TITAN_DLQ", subjects: ["titan.dlq.>"], consumers: [] },
];

/** JetStream API subjects for binding to (or re-creating) one durable pull consumer. */
export function consumerApiSubjects(stream: string, c: JetStreamConsumer): string[] {
  return [
    `$JS.API.STREAM.INFO.${stream}`,
    `$JS.API.CONSUMER.INFO.${stream}.${c.durable}`,
    // Only the 2.9+ form that names the filter subject: the server checks that the request's
    // filter matches, so a service cannot widen its consumer to other subjects of the stream.
    `$JS.API.CONSUMER.CREATE.${stream}.${c.durable}.${c.filterSubject}`,
    `$JS.API.CONSUMER.MSG.NEXT.${stream}.${c.durable}`,
    `$JS.ACK.${stream}.${c.durable}.>`,
  ];
}

/** Second guard: denied even if an allow entry were ever widened by mistake. */
const JS_ADMIN_DENY = [
  "$JS.API.STREAM.CREATE.>",
  "$JS.API.STREAM.UPDATE.>",
  "$JS.API.STREAM.DELETE.>",
  "$JS.API.STREAM.PURGE.>",
  "$JS.API.STREAM.MSG.DELETE.>",
  "$JS.API.STREAM.SNAPSHOT.>",
  "$JS.API.STREAM.RESTORE.>",
  "$JS.API.STREAM.PEER.>",
  "$JS.API.STREAM.LEADER.>",
  "$JS.API.CONSUMER.DELETE.>",
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
  "titan.cmd.hunter.>",
  "titan.cmd.sentinel.>",
  "titan.cmd.scavenger.>",
  "titan.cmd.*",
];

export interface UserPermissions {
  publishAllow: readonly string[];
  publishDeny: readonly string[];
  subscribeAllow: readonly string[];
  subscribeDeny: readonly string[];
  respondsToRequests: boolean;
}

export function natsPermissionsFor(user: NatsUser): UserPermissions {
  const core = NATS_CORE_SUBJECTS[user];
  if (user === "brain") {
    return {
      publishAllow: core.publish,
      publishDeny: [],
      subscribeAllow: core.subscribe,
      subscribeDeny: [],
      respondsToRequests: false,
    };
  }
  const jsApi = NATS_STREAMS.flatMap((s) =>
    s.consumers.filter((c) => c.user === user).flatMap((c) => consumerApiSubjects(s.name, c)),
  );
  const commandDeny = user === "quant" ? NON_AI_COMMANDS : ["titan.cmd.>"];
  const readOnlyDeny = user === "console" ? ["titan.>", "powerlaw.>"] : [];
  return {
    publishAllow: [...core.publish, ...jsApi],
    publishDeny: [...commandDeny, ...readOnlyDeny, ...JS_ADMIN_DENY],
    subscribeAllow: core.subscribe,
    // Commands to execution are for execution's eyes only; JetStream API traffic is brain's.
    subscribeDeny: [
      ...(user === "execution" ? [] : ["titan.cmd.execution.>"]),
      "$JS.API.>",
      "$JS.ACK.>",
      "$SYS.>",
    ],
    respondsToRequests: core.respondsToRequests,
  };
}
