// Child process for the Titan rehearsal: connects with the `nats` package (the version in Titan's
// lockfile) using ONLY this process's env (NATS_URL, NATS_USER, NATS_PASS; the CA reaches Node through
// NODE_EXTRA_CA_CERTS, read at start), then runs the steps of the plan file (argv[2]) and prints one
// JSON line per step: {"step","ok","detail"}. Permission errors are seen deterministically: the server
// answers a violating PUB/SUB with -ERR before the PONG of the following flush().
import { readFileSync } from "node:fs";
import { connect, createInbox, JSONCodec } from "nats";

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const jc = JSONCodec();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const out = (step, ok, detail = "") => process.stdout.write(`${JSON.stringify({ step, ok, detail })}\n`);
const violations = new Set();

let nc;
try {
  nc = await connect({
    servers: process.env.NATS_URL,
    user: process.env.NATS_USER,
    pass: process.env.NATS_PASS,
    name: `rehearsal-${process.env.NATS_USER}`,
    reconnect: false,
    timeout: 5000,
  });
  out("connect", true);
} catch (err) {
  out("connect", false, String(err?.message ?? err));
  process.exit(0);
}
void (async () => {
  for await (const s of nc.status()) {
    if (s.permissionContext)
      violations.add(`${s.permissionContext.operation}:${s.permissionContext.subject}`);
  }
})();

/** flush, then let the status iterator run: a -ERR for what was sent is processed before the PONG. */
async function settle() {
  await nc.flush();
  await sleep(15);
}
const denied = (op, subject) => violations.has(`${op}:${subject}`);

/** Publish with a reply inbox; resolves {denied} or {reply} (or {timeout}). */
async function rawRequest(subject, payload, wait = 3000) {
  const inbox = createInbox(plan.inboxPrefix ?? "_INBOX");
  const sub = nc.subscribe(inbox, { max: 1 });
  const got = (async () => {
    for await (const m of sub) return m;
    return undefined;
  })();
  nc.publish(subject, payload === undefined ? new Uint8Array() : jc.encode(payload), { reply: inbox });
  await settle();
  if (denied("subscription", inbox)) return { denied: `subscribe ${inbox}` };
  if (denied("publish", subject)) {
    sub.unsubscribe();
    return { denied: `publish ${subject}` };
  }
  // unref: a pending wait must not keep the process alive after the reply came.
  const timer = new Promise((r) => setTimeout(r, wait, "timeout").unref());
  const m = await Promise.race([got, timer]);
  if (m === "timeout") {
    sub.unsubscribe();
    return { timeout: true };
  }
  return { reply: m };
}

function describeReply(m) {
  if (m.headers?.code) return `status ${m.headers.code} ${m.headers.description ?? ""}`.trim();
  try {
    return JSON.stringify(jc.decode(m.data));
  } catch {
    return `${m.data.length} bytes`;
  }
}

/** JS API reply verdict: ok unless it carries an API error other than the accepted codes. */
function apiOk(m, acceptCodes = []) {
  if (m.headers?.code) return acceptCodes.includes(m.headers.code);
  const body = jc.decode(m.data);
  if (!body.error) return true;
  return acceptCodes.includes(body.error.err_code);
}

function jsApiPayload(subject) {
  const parts = subject.split(".");
  const verb = `${parts[2]}.${parts[3]}`;
  if (verb === "STREAM.CREATE") {
    const s = plan.streams.find((x) => x.name === parts[4]);
    return { name: parts[4], subjects: s ? s.subjects : [`rehearsal.${parts[4]}.>`] };
  }
  if (verb === "CONSUMER.CREATE") {
    const [stream, durable, ...filter] = parts.slice(4);
    return {
      stream_name: stream,
      config: { durable_name: durable, filter_subject: filter.join("."), ack_policy: "explicit" },
    };
  }
  if (verb === "CONSUMER.MSG") return { batch: 1, no_wait: true };
  return undefined;
}

// Order of the client: stream info/create, then names, consumer info/create, then pulls.
const rank = (s) =>
  [
    "STREAM.INFO",
    "STREAM.CREATE",
    "STREAM.NAMES",
    "CONSUMER.INFO",
    "CONSUMER.CREATE",
    "CONSUMER.MSG",
  ].findIndex((p) => s.startsWith(`$JS.API.${p}`));

async function jsApiStep(subject) {
  const r = await rawRequest(subject, jsApiPayload(subject));
  if (r.denied) return out(`request ${subject}`, false, `permission violation: ${r.denied}`);
  if (r.timeout) return out(`request ${subject}`, false, "no reply within 3 s");
  // Accepted: STREAM.INFO before create (10059 stream not found), CONSUMER.INFO of a durable Titan's
  // client never creates (10014 consumer not found), an empty pull (404 No Messages / 408).
  const accept = subject.startsWith("$JS.API.CONSUMER.MSG.NEXT.") ? ["404", "408"] : [10059, 10014];
  out(`request ${subject}`, apiOk(r.reply, accept), describeReply(r.reply));
}

if (plan.client === "nats.js") {
  try {
    const jsm = await nc.jetstreamManager();
    out("jetstreamManager() ($JS.API.INFO)", true);
    for (const s of plan.streams) {
      try {
        await jsm.streams.add({ name: s.name, subjects: s.subjects });
        out(`streams.add ${s.name}`, true);
      } catch (err) {
        out(`streams.add ${s.name}`, false, String(err?.message ?? err));
      }
    }
  } catch (err) {
    out("jetstreamManager() ($JS.API.INFO)", false, String(err?.message ?? err));
  }
}
for (const subject of [...plan.jsApi].sort((a, b) => rank(a) - rank(b))) await jsApiStep(subject);

for (const subject of plan.subscribe) {
  const sub = nc.subscribe(subject);
  await settle();
  out(
    `subscribe ${subject}`,
    !denied("subscription", subject),
    denied("subscription", subject) ? "permission violation" : "",
  );
  sub.unsubscribe();
}
for (const subject of plan.publish) {
  // nats.js services publish titan.cmd/evt/data/signal through JetStream (a request answered by a PubAck).
  if (plan.jetStreamPublish.some((p) => subject.startsWith(p))) {
    const r = await rawRequest(subject, { rehearsal: true });
    if (r.denied) out(`js.publish ${subject}`, false, `permission violation: ${r.denied}`);
    else if (r.timeout) out(`js.publish ${subject}`, false, "no PubAck within 3 s");
    else out(`js.publish ${subject}`, apiOk(r.reply), describeReply(r.reply));
  } else {
    nc.publish(subject, jc.encode({ rehearsal: true }));
    await settle();
    out(
      `publish ${subject}`,
      !denied("publish", subject),
      denied("publish", subject) ? "permission violation" : "",
    );
  }
}
for (const subject of plan.request) {
  const r = await rawRequest(subject, { rehearsal: true }, 2000);
  if (r.denied) out(`request ${subject}`, false, `permission violation: ${r.denied}`);
  // No responder here: the server's 503 reaching our inbox proves publish and inbox subscribe both work.
  else
    out(
      `request ${subject}`,
      !r.timeout,
      r.timeout ? "no reply (not even 503) within 2 s" : describeReply(r.reply),
    );
}
for (const subject of plan.mustBeDenied) {
  const r = await rawRequest(subject, subject.startsWith("$JS.API.") ? {} : { rehearsal: true }, 500);
  out(
    `denied ${subject}`,
    Boolean(r.denied),
    r.denied
      ? "permission violation"
      : r.reply
        ? `ALLOWED: ${describeReply(r.reply)}`
        : "no violation reported",
  );
}
if (plan.scratch) {
  const { name, subjects } = plan.scratch;
  for (const [subject, payload] of [
    [`$JS.API.STREAM.CREATE.${name}`, { name, subjects }],
    [`$JS.API.STREAM.PURGE.${name}`, {}],
    [`$JS.API.STREAM.DELETE.${name}`, undefined],
  ]) {
    const r = await rawRequest(subject, payload);
    if (r.denied) out(`scratch ${subject}`, false, `permission violation: ${r.denied}`);
    else if (r.timeout) out(`scratch ${subject}`, false, "no reply within 3 s");
    else out(`scratch ${subject}`, apiOk(r.reply), describeReply(r.reply));
  }
}
await nc.close();
