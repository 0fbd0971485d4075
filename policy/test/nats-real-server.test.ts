// The facts the NATS hole checks rest on, shown on the real nats-server: an allowed stream import
// with a prefix lands a strategy's publication on titan.cmd.>; the monitor takes the client
// listener's host; `ws` is a websocket listener; allow_responses lets a
// requester name where the responder publishes, past its deny list. Each config is also judged by the policy's
// checks, so the test fails if the server and the checks ever disagree.
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "nats";
import { afterAll, describe, expect, it } from "vitest";
import { findProgram, freePort, haveProgram, makeTempDir } from "../../test/builders/real-tool";
import { accountProblems } from "../lib/nats-accounts";
import { monitorEndpoints, natsUsers } from "../lib/nats-auth";
import { parseNatsConf } from "../lib/nats-conf";
import { listenerProblems } from "../lib/nats-exposure";
import { responseHijacks } from "../lib/nats-responses";

const canRun = haveProgram("nats-server", "nats-server");
const GUARD = { commandPublishers: ["brain"], forbidden: ["titan.cmd.>"], exemptions: {} };

describe.runIf(canRun)("real nats-server and the NATS hole checks", () => {
  const temp = makeTempDir("nats-holes");
  const servers: ChildProcess[] = [];
  afterAll(() => {
    for (const server of servers) server.kill();
    temp.cleanup();
  });

  /** Starts the server on a config and resolves with its log once it is ready. */
  async function start(name: string, conf: string): Promise<string> {
    const file = join(temp.dir, `${name}.conf`);
    writeFileSync(file, conf);
    const server = spawn(findProgram("nats-server") ?? "nats-server", ["-c", file]);
    servers.push(server);
    let log = "";
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nats-server not ready:\n${log}`)), 10_000);
      const read = (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes("Server is ready")) {
          clearTimeout(timer);
          resolve(log);
        }
      };
      server.stderr.on("data", read);
      server.stdout.on("data", read);
      server.on("exit", (code) => reject(new Error(`nats-server exited ${code}:\n${log}`)));
    });
  }

  it("delivers a prefixed stream import onto titan.cmd.>, and the check refuses exactly that", async () => {
    const port = await freePort();
    // Test-only passwords, generated here; the policy never sees them.
    const [execPass, stratPass] = [Math.random(), Math.random()].map((n) => n.toString(36).slice(2));
    const conf = (prefix: string) => `port: ${port}
accounts {
  EXEC { users: [ { user: exec, password: "${execPass}", permissions: { publish: "titan.evt.>" } } ]
         imports: [ { stream: { account: STRAT, subject: "cmd.>" }, prefix: "${prefix}" } ] }
  STRAT { users: [ { user: strat, password: "${stratPass}", permissions: { publish: { allow: "cmd.>", deny: "titan.cmd.>" } } } ]
          exports: [ { stream: "cmd.>" } ] }
}
`;
    await start("import", conf("titan"));
    const exec = await connect({ port, user: "exec", pass: execPass });
    const strat = await connect({ port, user: "strat", pass: stratPass });
    const received: string[] = [];
    exec.subscribe("titan.cmd.>", { callback: (_e, m) => received.push(m.subject) });
    await exec.flush();
    strat.publish("cmd.execution.place", "order");
    await strat.flush();
    await exec.flush();
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all([exec.close(), strat.close()]);
    expect(received).toEqual(["titan.cmd.execution.place"]);
    expect(accountProblems(parseNatsConf(conf("titan")).root, GUARD)).toEqual([
      expect.stringContaining(
        "user 'strat' of account 'STRAT' may publish 'cmd.x', which arrives as command subject 'titan.cmd.x'",
      ),
    ]);
    expect(accountProblems(parseNatsConf(conf("strat")).root, GUARD)).toEqual([]);
  });

  it("lets a requester aim a responder's allow_responses reply at titan.cmd.>, and the check refuses it", async () => {
    const port = await freePort();
    const [execPass, stratPass, brainPass] = [1, 2, 3].map(() => Math.random().toString(36).slice(2));
    const conf = (responder: string) => `port: ${port}
authorization { users: [
  { user: exec, password: "${execPass}", permissions: { publish: { allow: "titan.evt.>", deny: "titan.cmd.>" }, subscribe: "titan.req.>" ${responder} } }
  { user: strat, password: "${stratPass}", permissions: { publish: "titan.req.>", subscribe: "_INBOX.>" } }
  { user: brain, password: "${brainPass}" }
] }
`;
    const landed = async (responder: string): Promise<string[]> => {
      await start(`responses-${responder ? "on" : "off"}`, conf(responder));
      const [exec, strat, brain] = await Promise.all(
        [
          ["exec", execPass],
          ["strat", stratPass],
          ["brain", brainPass],
        ].map(([user, pass]) => connect({ port, user, pass })),
      );
      const received: string[] = [];
      brain?.subscribe("titan.cmd.>", { callback: (_e, m) => received.push(m.subject) });
      exec?.subscribe("titan.req.hash", { callback: (_e, m) => m.respond("reply") });
      await Promise.all([exec?.flush(), brain?.flush()]);
      strat?.publish("titan.req.hash", "?", { reply: "titan.cmd.execution.place" });
      await strat?.flush();
      await new Promise((r) => setTimeout(r, 200));
      await Promise.all([exec?.flush(), brain?.flush()]);
      await Promise.all([exec?.close(), strat?.close(), brain?.close()]);
      servers.pop()?.kill();
      return received;
    };
    const on = ", allow_responses: true";
    expect(await landed(on)).toEqual(["titan.cmd.execution.place"]);
    expect(await landed("")).toEqual([]);
    expect(responseHijacks(natsUsers(parseNatsConf(conf(on)).root), ["brain"])).toEqual([
      { responder: "exec", requester: "strat", subject: "titan.req.x" },
    ]);
    expect(responseHijacks(natsUsers(parseNatsConf(conf("")).root), ["brain"])).toEqual([]);
  });

  it("binds the monitor to the client listener's host, as the check reads it", async () => {
    const [port, monitor] = [await freePort(), await freePort()];
    const conf = `listen: 127.0.0.2:${port}\nhttp_port: ${monitor}\n`;
    const log = await start("monitor", conf);
    expect(log).toContain(`Starting http monitor on 127.0.0.2:${monitor}`);
    expect(monitorEndpoints(parseNatsConf(conf).root)).toEqual([
      { key: "http_port", host: "127.0.0.2", port: monitor },
    ]);
  });

  it("opens a websocket listener for the `ws` alias, which the check refuses", async () => {
    const [port, ws] = [await freePort(), await freePort()];
    const conf = `port: ${port}\nws { port: ${ws}, no_tls: true }\n`;
    const log = await start("ws", conf);
    expect(log).toContain(`Listening for websocket clients on ws://0.0.0.0:${ws}`);
    expect(listenerProblems(parseNatsConf(conf).root)).toEqual([
      expect.stringContaining("'ws' opens a websocket listener"),
    ]);
  });
});
