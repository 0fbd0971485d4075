// Independent oracle for the NATS tests: DESIGN.md §3 copied by hand (not imported from the
// builder) and NATS subject matching, so a wrong builder table cannot also make the test agree.
import type { NatsUser } from "../../infra/builders/nats-permissions";

export const DESIGN_SUBJECTS: Record<NatsUser, { publish: string[]; subscribe: string[] }> = {
  brain: { publish: [">"], subscribe: [">"] },
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
  },
  scavenger: {
    publish: ["titan.evt.scavenger.>", "titan.evt.phase.>"],
    subscribe: ["titan.signal.>", "titan.evt.budget.>", "powerlaw.metrics.>", "_INBOX.>"],
  },
  hunter: {
    publish: ["titan.evt.hunter.>", "titan.evt.phase.>"],
    subscribe: ["titan.cmd.hunter.>", "titan.ai.>", "powerlaw.metrics.>", "_INBOX.>"],
  },
  sentinel: {
    publish: ["titan.evt.sentinel.>", "titan.evt.phase.>"],
    subscribe: ["titan.cmd.sentinel.>", "powerlaw.metrics.>", "_INBOX.>"],
  },
  quant: {
    publish: ["titan.evt.quant.>", "titan.cmd.ai.>"],
    subscribe: ["titan.cmd.ai.>", "titan.evt.>", "titan.data.powerlaw.>", "_INBOX.>"],
  },
  console: { publish: [], subscribe: ["titan.data.>", "titan.evt.>", "_INBOX.>"] },
};

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

/** Expected publish outcome from DESIGN's table and invariants alone. */
export function expectPublish(user: NatsUser, subject: string): boolean {
  if (user === "brain") return true;
  if (subject.startsWith("$JS.API.STREAM.") || subject.startsWith("$JS.API.CONSUMER.DELETE.")) return false;
  if (subject.startsWith("titan.cmd.")) return user === "quant" && subject.startsWith("titan.cmd.ai.");
  return DESIGN_SUBJECTS[user].publish.some((p) => matches(p, subject));
}

export function expectSubscribe(user: NatsUser, subject: string): boolean {
  return DESIGN_SUBJECTS[user].subscribe.some((p) => matches(p, subject));
}

/** A concrete subject matched by a pattern (">" and "*" replaced by probe tokens). */
export function concrete(pattern: string): string {
  return pattern.replace(/>$/, "probe.v1").replace(/\*/g, "probe");
}
