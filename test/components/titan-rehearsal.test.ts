// Rehearsal with Titan's own client library (issue 10 item 6). For each topology the stack runs under
// mocks; every deployed Titan service then connects to the REAL nats-server started with the generated
// nats.conf, with the `nats` package at the version in Titan's lockfile and ONLY the env the stack
// injects into that container, and does what data/titan-contract.json says the service does. brain's
// (and console-api's) database env logs into a real PostgreSQL 15 initialised as the postgres image
// does; brain's Redis env authenticates against redis-server with the generated redis.conf.
// What is rewritten for a run on loopback is printed; nothing about users, permissions or env is.
import { type ChildProcess, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTitanContract, type TitanService } from "../../infra/model/titan-contract";
import type { RegisteredResource } from "../../scripts/engine/run-program";
import { freePort, haveProgram, makeTempDir, makeTestPki } from "../builders/real-tool";
import { plainInputs } from "../support/offline-stack";
import {
  concreteSubject,
  loopbackUrl,
  rewriteNatsConf,
  rewriteRedisConf,
  subjectMatches,
} from "./titan-rehearsal/rewrite";
import {
  PG_BIN,
  psqlOnStdin,
  startNats,
  startPostgres,
  startRedis,
  stopProcess,
} from "./titan-rehearsal/servers";
import { type EnvEntry, runWorkloads } from "./workload-run";

const CLIENT = join(__dirname, "titan-rehearsal", "nats-client.mjs");
const contract = loadTitanContract();
const natsServices = contract.services.filter((s) => s.nats.user !== null);
/** Commands only brain sends; no other service's contract lets it publish these exact subjects. */
const OTHERS_COMMANDS = [
  "titan.cmd.execution.place.v1",
  "titan.cmd.sys.halt.v1",
  "titan.cmd.risk.flatten.v1",
];
const JS_PUBLISH_PREFIXES = ["titan.cmd.", "titan.evt.", "titan.data.", "titan.signal."];
/**
 * The threat model outranks the contract: only brain commands execution (the strategies' own
 * `titan.cmd.execution.place…` publications must be refused; their orders go to brain as signals),
 * quant's AI commands aside. Written out here, not imported from the program.
 */
const refusedByThreatModel = (user: string | null, subject: string) =>
  user !== "brain" &&
  (subject === "titan.cmd" || subject.startsWith("titan.cmd.")) &&
  !(user === "quant" && subject.startsWith("titan.cmd.ai."));

const canRun =
  haveProgram("nats-server", "nats-server") &&
  haveProgram("openssl", "openssl") &&
  haveProgram("redis-server", "redis-server") &&
  haveProgram("psql", "postgresql-client-15") &&
  haveProgram("runuser", "util-linux");

interface Upload {
  file: string;
  content: unknown;
}
const text = (v: unknown): string =>
  typeof v === "string"
    ? v
    : v && typeof v === "object" && "value" in v
      ? String((v as { value: unknown }).value)
      : "";
const uploadsOf = (r: RegisteredResource): Upload[] => (plainInputs(r).uploads ?? []) as Upload[];

/** The Titan service a container runs: by image name, else by its container name. */
function contractServiceOf(containerName: string, image: string): TitanService | undefined {
  return (
    contract.services.find(
      (s) => image.includes(`/${s.image.name}:`) || image.includes(`/${s.image.name}@`),
    ) ??
    contract.services.find((s) =>
      [s.name, s.name.replace(/-rs$/, ""), s.name.replace(/^titan-phase\d-/, "titan-")].includes(
        containerName,
      ),
    )
  );
}

interface Step {
  step: string;
  ok: boolean;
  detail: string;
}

for (const topology of ["split", "single"] as const) {
  describe.runIf(canRun)(
    `Titan rehearsal (${topology}): nats@${contract.clients.natsJs} against real nats-server 2.9.10, PostgreSQL 15, redis-server (TLS files: throwaway openssl CA, the offline mocks' PEMs are fake)`,
    () => {
      const tmp = makeTempDir(`titan-rehearsal-${topology}`);
      const procs: ChildProcess[] = [];
      let stopPg: (() => void) | undefined;
      /** container -> failures (empty when everything passed) */
      const results = new Map<string, string[]>();
      const deployed = new Map<string, string>(); // contract service -> container
      let pgPort = 0;
      let redisPort = 0;
      let envOf: (c: string) => EnvEntry[] = () => [];

      beforeAll(async () => {
        chmodSync(tmp.dir, 0o755);
        const run = await runWorkloads(topology);
        envOf = run.env;
        const carriers = run.carriers;
        const uploadIn = (suffix: string) => {
          const c = carriers.find((x) => uploadsOf(x).some((u) => u.file.endsWith(suffix)));
          if (!c) throw new Error(`no container uploads a file ending ${suffix}`);
          return text(uploadsOf(c).find((u) => u.file.endsWith(suffix))?.content);
        };
        const envMap = (c: string) => new Map(run.env(c).map((e) => [e.name, e.value]));
        for (const name of run.containerNames) {
          const svc = contractServiceOf(name, String(run.inputs(name).image ?? ""));
          if (svc) deployed.set(svc.name, name);
        }

        // NATS: generated nats.conf, rewritten for loopback.
        const pki = makeTestPki(tmp.dir);
        const passwords = new Map<string, string>();
        for (const container of deployed.values()) {
          const env = envMap(container);
          const user = env.get("NATS_USER");
          const pass = env.get("NATS_PASS");
          if (user && pass) passwords.set(user, pass);
        }
        const natsPort = await freePort();
        const conf = rewriteNatsConf(uploadIn("/nats.conf"), {
          port: natsPort,
          monitorPort: await freePort(),
          storeDir: join(tmp.dir, "jetstream"),
          tls: { certFile: pki.serverCert, keyFile: pki.serverKey, caFile: pki.caCert },
          passwords,
        });
        console.info(`[${topology}] nats.conf rewritten for this run:\n  ${conf.changes.join("\n  ")}`);
        writeFileSync(join(tmp.dir, "nats.conf"), conf.text);
        procs.push(await startNats(join(tmp.dir, "nats.conf")));

        // Each NATS service in the order brain, execution, the rest (brain and execution create streams first).
        const order = [...natsServices].sort((a, b) => rankService(a) - rankService(b));
        for (const svc of order) {
          const container = deployed.get(svc.name);
          if (!container) continue;
          const failures: string[] = [];
          results.set(container, failures);
          const env = envMap(container);
          const childEnv: Record<string, string> = Object.fromEntries(env);
          // Node reads NODE_EXTRA_CA_CERTS at start; async-nats 0.33 (rustls-native-certs) reads SSL_CERT_FILE.
          const caVar = svc.nats.client === "async-nats" ? "SSL_CERT_FILE" : "NODE_EXTRA_CA_CERTS";
          for (const name of ["NATS_URL", "NATS_USER", "NATS_PASS", caVar]) {
            if (!env.has(name)) failures.push(`${container}: ${name} missing`);
          }
          if (env.get("NATS_USER") !== undefined && env.get("NATS_USER") !== svc.nats.user)
            failures.push(`${container}: NATS_USER=${env.get("NATS_USER")}, contract says ${svc.nats.user}`);
          const url = env.get("NATS_URL");
          if (url) childEnv.NATS_URL = loopbackUrl(url, natsPort);
          delete childEnv.SSL_CERT_FILE;
          const ca = env.get(caVar);
          if (ca !== undefined) {
            const carrier = carriers.find((c) => plainInputs(c).name === `${container}-config`);
            const uploaded = carrier ? uploadsOf(carrier).find((u) => u.file === ca) : undefined;
            if (!uploaded?.content || !text(uploaded.content).includes("CERTIFICATE"))
              failures.push(`${container}: ${caVar}=${ca} is not a certificate uploaded into the container`);
            // The Node child stands in for the client: the CA the env names reaches it the way Node reads it.
            childEnv.NODE_EXTRA_CA_CERTS = pki.caCert;
            console.info(
              `[${topology}] ${container}: ${caVar}=${ca} -> NODE_EXTRA_CA_CERTS=<test CA> for the Node client`,
            );
          }
          const n = svc.nats;
          const ownPublish = (s: string) => n.publish.some((p) => subjectMatches(p, s));
          const plan = {
            client: n.client,
            inboxPrefix: n.inboxPrefix ?? "_INBOX",
            streams: n.streamsCreated.map((s) => ({ name: s.name, subjects: s.subjects })),
            // nats.js: $JS.API.INFO and STREAM.CREATE go through jetstreamManager()/streams.add.
            jsApi: n.jsApi.filter(
              (s) =>
                n.client !== "nats.js" || !(s === "$JS.API.INFO" || s.startsWith("$JS.API.STREAM.CREATE.")),
            ),
            subscribe: n.subscribe,
            publish: n.publish.filter((x) => !refusedByThreatModel(n.user, x)).map(concreteSubject),
            jetStreamPublish: n.client === "nats.js" ? JS_PUBLISH_PREFIXES : [],
            request: n.request.map(concreteSubject),
            mustBeDenied:
              n.user === "brain"
                ? []
                : [
                    ...OTHERS_COMMANDS.filter((s) => !ownPublish(s) || refusedByThreatModel(n.user, s)),
                    ...n.publish.filter((x) => refusedByThreatModel(n.user, x)).map(concreteSubject),
                    "$JS.API.STREAM.DELETE.TITAN_CMD",
                    "$JS.API.STREAM.PURGE.TITAN_CMD",
                  ],
            scratch:
              n.user === "brain" ? { name: "REHEARSAL_SCRATCH", subjects: ["rehearsal.scratch.>"] } : null,
          };
          const planFile = join(tmp.dir, `${container}.plan.json`);
          writeFileSync(planFile, JSON.stringify(plan));
          const started = Date.now();
          const r = spawnSync(process.execPath, [CLIENT, planFile], {
            env: childEnv,
            encoding: "utf8",
            timeout: 40_000,
          });
          const steps = r.stdout
            .split("\n")
            .filter((l) => l.startsWith("{"))
            .map((l) => JSON.parse(l) as Step);
          if (r.status !== 0)
            failures.push(`${container}: client exited ${r.status}: ${r.stderr.trim().split("\n")[0]}`);
          for (const s of steps) if (!s.ok) failures.push(`${container}: ${s.step}: ${s.detail}`);
          console.info(
            `[${topology}] ${container} (${n.user}): ${steps.filter((s) => s.ok).length}/${steps.length} steps ok (${Date.now() - started} ms)`,
          );
        }

        // PostgreSQL as the postgres container's env initialises it.
        pgPort = await freePort();
        const pgDir = join(tmp.dir, "pg");
        mkdirSync(pgDir);
        stopPg = startPostgres(pgDir, pgPort, Object.fromEntries(envMap("postgres")));
        // Then the stack's next step: the role's password set in the running database (the
        // container's POSTGRES_PASSWORD is only a bootstrap value), the SQL on psql's stdin.
        const role = run.resources.find((r) => r.name.endsWith("-postgres-role-password"));
        const applied = psqlOnStdin(pgDir, pgPort, "titan", text(role?.inputs.stdin));
        if (applied.status !== 0) throw new Error(`the role-password SQL failed: ${applied.stderr}`);
        // Redis with the generated redis.conf.
        redisPort = await freePort();
        mkdirSync(join(tmp.dir, "redis"));
        const redis = rewriteRedisConf(uploadIn("/redis.conf"), {
          port: redisPort,
          dir: join(tmp.dir, "redis"),
        });
        console.info(`[${topology}] redis.conf rewritten for this run:\n  ${redis.changes.join("\n  ")}`);
        writeFileSync(join(tmp.dir, "redis.conf"), redis.text);
        procs.push(await startRedis(join(tmp.dir, "redis.conf")));
      }, 90_000);

      afterAll(async () => {
        stopPg?.();
        for (const p of procs) await stopProcess(p);
        tmp.cleanup();
      });

      for (const svc of natsServices) {
        it(`${svc.name} (NATS user ${svc.nats.user}, ${svc.nats.client}): connects with its own env and does what the contract says; others' commands, STREAM.DELETE/PURGE TITAN_CMD denied`, (ctx) => {
          const container = deployed.get(svc.name);
          if (!container) {
            console.info(`[${topology}] ${svc.name} is not deployed in this topology`);
            ctx.skip();
            return;
          }
          expect(results.get(container)).toEqual([]);
        });
      }

      for (const svc of contract.services) {
        it(`${svc.name}: every env var the contract marks required is injected`, (ctx) => {
          const container = deployed.get(svc.name);
          if (!container) {
            ctx.skip();
            return;
          }
          const have = new Set(envOf(container).map((e) => e.name));
          const missing = svc.env
            .filter((e) => e.required && !have.has(e.name))
            .map((e) => `${container}: ${e.name} missing (${e.source})`);
          expect(missing).toEqual([]);
        });
      }

      for (const name of ["titan-brain", "titan-console-api"]) {
        it(`${name}: DATABASE_URL logs into PostgreSQL 15 (scram-sha-256 over TCP) and runs select 1`, (ctx) => {
          const container = deployed.get(name);
          if (!container) {
            ctx.skip();
            return;
          }
          const url = envOf(container).find((e) => e.name === "DATABASE_URL")?.value;
          expect(url, `${container}: DATABASE_URL missing`).toBeDefined();
          const local = loopbackUrl(String(url), pgPort);
          const psql = (u: string) =>
            spawnSync(join(PG_BIN, "psql"), [u, "-tAc", "select 1"], { encoding: "utf8", env: {} });
          const ok = psql(local);
          expect(`${ok.stdout.trim()}${ok.status === 0 ? "" : ` (psql: ${ok.stderr.trim()})`}`).toBe("1");
          const wrong = psql(local.replace(/:([^:@/]+)@/, ":wrong-password@"));
          expect(wrong.stderr).toMatch(/password authentication failed/);
        });
      }

      it("titan-brain: REDIS_URL (+ REDIS_PASSWORD) authenticates against redis-server; a wrong password is refused", () => {
        const container = deployed.get("titan-brain");
        expect(container).toBeDefined();
        const env = new Map(envOf(String(container)).map((e) => [e.name, e.value]));
        const url = env.get("REDIS_URL");
        expect(url, "titan-brain: REDIS_URL missing").toBeDefined();
        const u = new URL(loopbackUrl(String(url), redisPort));
        const password = decodeURIComponent(u.password) || env.get("REDIS_PASSWORD");
        expect(password, "titan-brain: no Redis password in REDIS_URL or REDIS_PASSWORD").toBeTruthy();
        const cli = (pass: string) =>
          spawnSync("redis-cli", ["-h", u.hostname, "-p", u.port, "--no-auth-warning", "PING"], {
            encoding: "utf8",
            env: { REDISCLI_AUTH: pass },
          });
        expect(cli(String(password)).stdout.trim()).toBe("PONG");
        // redis-cli reports the failed AUTH, then the PING is refused without authentication.
        const wrong = cli("wrong-password");
        expect(wrong.stdout.trim()).not.toBe("PONG");
        expect(`${wrong.stdout}${wrong.stderr}`).toMatch(/WRONGPASS|invalid password|NOAUTH/);
      });
    },
  );
}

function rankService(s: TitanService): number {
  return s.nats.user === "brain" ? 0 : s.nats.client === "async-nats" ? 1 : 2;
}
