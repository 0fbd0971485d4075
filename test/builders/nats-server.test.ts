// Starts the real nats-server with the generated config and proves the permission matrix by
// connecting as every user over TLS. Detection is deterministic: the server answers a violating
// PUB/SUB with -ERR before the PONG of the following flush(), so after flush() the client has
// either seen the permissions error or (for allowed operations) brain has received the message.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { AckPolicy, connect, type NatsConnection, StorageType } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildNatsConf } from "../../infra/builders/nats-conf";
import { NATS_STREAMS, NATS_USERS, type NatsUser } from "../../infra/model/nats-permissions";
import { CONTRACT_SUBJECTS, concrete, expectPublish, expectSubscribe, matches } from "./nats-oracle";
import { findProgram, freePort, haveProgram, makeTempDir, makeTestPki } from "./real-tool";

/**
 * Options production's nats:2.10 accepts and Debian's 2.9.10 rejects. The ONLY edits made to the
 * generated config before the test starts it; each is printed when stripped.
 */
const STRIP_FOR_2_9_10: ReadonlyArray<{ option: string; line: RegExp }> = [
  { option: "tls.min_version", line: /^\s*min_version: .*\n/gm },
];

function stripFor2910(text: string): { text: string; stripped: string[] } {
  let out = text;
  const stripped: string[] = [];
  for (const { option, line } of STRIP_FOR_2_9_10) {
    const next = out.replace(line, "");
    if (next !== out) stripped.push(option);
    out = next;
  }
  return { text: out, stripped };
}

interface Case {
  user: NatsUser;
  op: "pub" | "sub";
  subject: string;
  expected: boolean;
}

const enc = new TextEncoder();
const canRun = haveProgram("nats-server", "nats-server") && haveProgram("openssl", "openssl");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(canRun)("real nats-server 2.9 with the generated config", () => {
  const tmp = makeTempDir("nats");
  const conns = new Map<NatsUser, NatsConnection>();
  const violations = new Map<NatsUser, Set<string>>();
  let server: ChildProcess | undefined;
  let port = 0;
  let caFile = "";
  const passwords = Object.fromEntries(
    NATS_USERS.map((u) => [u, `fake-test-${u}-${randomBytes(8).toString("hex")}`]),
  ) as Record<NatsUser, string>;

  function conn(user: NatsUser): NatsConnection {
    const c = conns.get(user);
    if (!c) throw new Error(`no connection for ${user}`);
    return c;
  }

  async function connectAs(user: NatsUser, password = passwords[user]): Promise<NatsConnection> {
    return await connect({
      servers: `127.0.0.1:${port}`,
      user,
      pass: password,
      tls: { caFile },
      name: `test-${user}`,
      reconnect: false,
      timeout: 5000,
    });
  }

  beforeAll(async () => {
    const pki = makeTestPki(tmp.dir);
    caFile = pki.caCert;
    port = await freePort();
    const hashes = Object.fromEntries(NATS_USERS.map((u) => [u, bcrypt.hashSync(passwords[u], 6)])) as Record<
      NatsUser,
      string
    >;
    const generated = buildNatsConf({
      passwordHashes: hashes,
      tls: { certFile: pki.serverCert, keyFile: pki.serverKey, caFile: pki.caCert },
      listenHost: "127.0.0.1",
      port,
      monitorHost: "127.0.0.1",
      monitorPort: await freePort(),
      jetStreamStoreDir: join(tmp.dir, "jetstream"),
    });
    const { text, stripped } = stripFor2910(generated);
    console.log(`nats-server 2.9.10 compatibility: stripped [${stripped.join(", ")}] (nothing else changed)`);
    const confFile = join(tmp.dir, "nats.conf");
    writeFileSync(confFile, text);
    const bin = findProgram("nats-server") ?? "nats-server";
    const check = spawnSync(bin, ["-t", "-c", confFile], { encoding: "utf8" });
    expect(`${check.stdout}${check.stderr}`).toMatch(/valid/);
    const proc = spawn(bin, ["-c", confFile], { stdio: ["ignore", "ignore", "pipe"] });
    server = proc;
    let log = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nats-server did not start:\n${log}`)), 15_000);
      proc.stderr?.on("data", (d: Buffer) => {
        log += d.toString();
        if (log.includes("Server is ready")) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once("exit", (code) => reject(new Error(`nats-server exited ${code}:\n${log}`)));
    });
    for (const user of NATS_USERS) {
      const nc = await connectAs(user);
      conns.set(user, nc);
      const seen = new Set<string>();
      violations.set(user, seen);
      void (async () => {
        for await (const s of nc.status()) {
          if (s.permissionContext)
            seen.add(`${s.permissionContext.operation}:${s.permissionContext.subject}`);
        }
      })();
    }
    // Brain administers JetStream: streams and durable consumers from the builder's one table.
    const jsm = await conn("brain").jetstreamManager();
    for (const s of [
      ...NATS_STREAMS,
      { name: "TITAN_SCRATCH", subjects: ["titan.scratch.>"], consumers: [] },
    ]) {
      await jsm.streams.add({ name: s.name, subjects: [...s.subjects], storage: StorageType.File });
      for (const c of s.consumers) {
        await jsm.consumers.add(s.name, {
          durable_name: c.durable,
          filter_subject: c.filterSubject,
          ack_policy: AckPolicy.Explicit,
        });
      }
    }
  }, 60_000);

  afterAll(async () => {
    for (const nc of conns.values()) await nc.close().catch(() => undefined);
    // nats-server flushes JetStream files while it shuts down: wait for it before removing its store.
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
    tmp.cleanup();
  });

  async function observedPublish(user: NatsUser, subject: string): Promise<boolean | "inconclusive"> {
    const brain = conn("brain");
    let received = 0;
    const watch = brain.subscribe(subject, { callback: () => received++ });
    await brain.flush();
    conn(user).publish(subject, enc.encode(`probe ${user}`));
    await conn(user).flush();
    await brain.flush();
    for (let i = 0; i < 20 && received === 0 && !violations.get(user)?.has(`publish:${subject}`); i++)
      await sleep(5);
    watch.unsubscribe();
    const denied = violations.get(user)?.has(`publish:${subject}`) ?? false;
    violations.get(user)?.delete(`publish:${subject}`);
    if (denied === received > 0) return "inconclusive";
    return !denied;
  }

  async function observedSubscribe(user: NatsUser, subject: string): Promise<boolean | "inconclusive"> {
    const nc = conn(user);
    let received = 0;
    const sub = nc.subscribe(subject, { callback: (err) => (err ? undefined : received++) });
    await nc.flush();
    const brain = conn("brain");
    if (!violations.get(user)?.has(`subscription:${subject}`)) {
      brain.publish(concrete(subject), enc.encode("probe"));
      await brain.flush();
      await nc.flush();
      for (let i = 0; i < 20 && received === 0; i++) await sleep(5);
    }
    sub.unsubscribe();
    const denied = violations.get(user)?.has(`subscription:${subject}`) ?? false;
    violations.get(user)?.delete(`subscription:${subject}`);
    if (denied === received > 0) return "inconclusive";
    return !denied;
  }

  function matrix(): Case[] {
    const cases: Case[] = [];
    const others = (u: NatsUser) => NATS_USERS[(NATS_USERS.indexOf(u) + 1) % NATS_USERS.length] ?? "brain";
    for (const user of NATS_USERS) {
      const pubs = new Set([
        `titan.evt.${user}.probe.v1`,
        `titan.evt.${others(user)}.probe.v1`,
        "titan.evt.scavenger.signal.v1",
        "titan.cmd.execution.place.v1",
        "titan.cmd.execution.cancel.v1",
        "titan.cmd.sys.halt.v1",
        "titan.cmd.risk.policy.v1",
        "titan.cmd.hunter.start.v1",
        "titan.cmd.ai.optimize.v1",
        "titan.data.market.ticker.v1",
        "titan.evt.phase.change.v1",
        "_INBOX.unsolicited",
        ...CONTRACT_SUBJECTS[user].publish.map(concrete),
      ]);
      if (user !== "brain") {
        pubs.add("$JS.API.STREAM.DELETE.TITAN_CMD");
        pubs.add("$JS.API.STREAM.DELETE.TITAN_EVT");
        pubs.add("$JS.API.STREAM.PURGE.TITAN_CMD");
        pubs.add("$JS.API.CONSUMER.DELETE.TITAN_CMD.execution-cmd");
      }
      for (const subject of pubs)
        cases.push({ user, op: "pub", subject, expected: expectPublish(user, subject) });
      const subs = new Set([
        ...CONTRACT_SUBJECTS[user].subscribe,
        "titan.cmd.execution.>",
        "titan.cmd.>",
        "titan.evt.>",
        ">",
        "$JS.API.>",
      ]);
      for (const subject of subs)
        cases.push({ user, op: "sub", subject, expected: expectSubscribe(user, subject) });
    }
    return cases;
  }

  it("proves the allow/deny matrix for every user", async () => {
    const cases = matrix();
    const mismatches: string[] = [];
    for (const c of cases) {
      const got =
        c.op === "pub"
          ? await observedPublish(c.user, c.subject)
          : await observedSubscribe(c.user, c.subject);
      if (got !== c.expected)
        mismatches.push(`${c.user} ${c.op} ${c.subject}: expected ${c.expected}, got ${got}`);
    }
    const allowed = cases.filter((c) => c.expected).length;
    console.log(
      `NATS matrix: ${cases.length} cases (${allowed} allowed, ${cases.length - allowed} denied) over ${NATS_USERS.length} users; ${mismatches.length} mismatches`,
    );
    for (const m of mismatches) console.log(`  MISMATCH ${m}`);
    expect(mismatches).toEqual([]);
    // Denied stream deletions really did nothing.
    const jsm = await conn("brain").jetstreamManager();
    for (const s of NATS_STREAMS) expect((await jsm.streams.info(s.name)).config.name).toBe(s.name);
  });

  it("each service can bind, fetch and ack on its own durable consumer (and only its own)", async () => {
    const brainJs = conn("brain").jetstream();
    let checked = 0;
    for (const stream of NATS_STREAMS) {
      for (const c of stream.consumers) {
        const subject = concrete(c.filterSubject);
        await brainJs.publish(subject, enc.encode("work"));
        // Exactly the calls async-nats makes for a pull consumer (the contract's jsApi): a
        // MSG.NEXT request answered with the message, acked on its $JS.ACK reply subject.
        const m = await conn(c.user).request(
          `$JS.API.CONSUMER.MSG.NEXT.${stream.name}.${c.durable}`,
          enc.encode(JSON.stringify({ batch: 1, expires: 2_000_000_000 })),
          // The message arrives on the inbox under its own subject: a dedicated subscription.
          { timeout: 3000, noMux: true },
        );
        // The oldest unacked message under its filter (earlier tests published some too).
        expect(
          matches(c.filterSubject, m.subject),
          `${c.user} got ${m.subject} from ${stream.name}/${c.durable}`,
        ).toBe(true);
        expect(m.reply).toMatch(new RegExp(`^\\$JS\\.ACK\\.${stream.name}\\.${c.durable}\\.`));
        expect(await observedPublish(c.user, String(m.reply))).toBe(true);
        // Re-creating its own consumer with the same filter is allowed (service restart).
        const jsm = await conn(c.user).jetstreamManager({ checkAPI: false });
        const info = await jsm.consumers.add(stream.name, {
          durable_name: c.durable,
          filter_subject: c.filterSubject,
          ack_policy: AckPolicy.Explicit,
        });
        expect(info.name).toBe(c.durable);
        // Widening the filter, the legacy create form, or another user's consumer are denied.
        for (const subject of [
          `$JS.API.CONSUMER.CREATE.${stream.name}.${c.durable}.titan.cmd.sys.halt.v1`,
          `$JS.API.CONSUMER.DURABLE.CREATE.${stream.name}.${c.durable}`,
          // brain's durable on the same stream: not this user's.
          "$JS.API.CONSUMER.MSG.NEXT.TITAN_CMD.BRAIN_GOVERNANCE",
        ]) {
          expect(await observedPublish(c.user, subject), `${c.user} ${subject}`).toBe(false);
        }
        checked++;
      }
    }
    console.log(
      `JetStream paths: ${checked} consumers bound, fetched, acked and re-created by their own users`,
    );
    expect(checked).toBe(NATS_STREAMS.flatMap((s) => s.consumers).length);
  });

  it("execution may answer brain's requests; brain may delete a stream", async () => {
    const exec = conn("execution");
    const sub = exec.subscribe("titan.req.exec.policy_hash.v1", {
      callback: (_e, m) => m.respond(enc.encode("ok")),
    });
    await exec.flush();
    const reply = await conn("brain").request("titan.req.exec.policy_hash.v1", enc.encode("?"), {
      timeout: 3000,
    });
    expect(new TextDecoder().decode(reply.data)).toBe("ok");
    sub.unsubscribe();
    const jsm = await conn("brain").jetstreamManager();
    expect(await jsm.streams.delete("TITAN_SCRATCH")).toBe(true);
  });

  it("a strategy's request cannot name where execution publishes its reply", async () => {
    // The reply subject is the requester's choice. With allow_responses nats-server lets the
    // responder publish there past its deny list; with publish on _INBOX.> only, it cannot.
    const exec = conn("execution");
    let answered = 0;
    const sub = exec.subscribe("titan.req.exec.policy_hash.v1", {
      callback: (_e, m) => {
        answered++;
        m.respond(enc.encode("hash"));
      },
    });
    const landed: string[] = [];
    const target = "titan.cmd.execution.place.v1";
    const spy = conn("brain").subscribe(target, { callback: (_e, m) => landed.push(m.subject) });
    await exec.flush();
    await conn("brain").flush();
    // hunter may publish the request subject (Titan's contract) and so choose its reply subject.
    conn("hunter").publish("titan.req.exec.policy_hash.v1", enc.encode("?"), { reply: target });
    await conn("hunter").flush();
    for (let i = 0; i < 100 && answered === 0; i++) await sleep(10);
    await exec.flush();
    await conn("brain").flush();
    expect(answered, "execution received the request").toBe(1);
    expect(violations.get("execution")?.has(`publish:${target}`), "execution's reply was refused").toBe(true);
    expect(landed).toEqual([]);
    // The same request with an inbox reply is answered as Titan expects.
    const reply = await conn("hunter").request("titan.req.exec.policy_hash.v1", enc.encode("?"), {
      timeout: 3000,
    });
    expect(new TextDecoder().decode(reply.data)).toBe("hash");
    sub.unsubscribe();
    spy.unsubscribe();
  });

  it("requires TLS and rejects a wrong password", async () => {
    const info = await new Promise<string>((resolve, reject) => {
      const s = tcpConnect(port, "127.0.0.1");
      s.once("data", (d) => {
        resolve(d.toString());
        s.destroy();
      });
      s.once("error", reject);
    });
    expect(JSON.parse(info.replace(/^INFO /, "")).tls_required).toBe(true);
    await expect(connectAs("execution", "fake-wrong-password")).rejects.toThrow(/Authorization/i);
  });
});
