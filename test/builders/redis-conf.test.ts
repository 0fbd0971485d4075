import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRedisConf, REDIS_DISABLED_COMMANDS } from "../../infra/builders/redis-conf";
import { findProgram, freePort, haveProgram, makeTempDir } from "./real-tool";

// Generated per run and obviously fake.
const PASSWORD = `fake-test-${randomBytes(16).toString("hex")}`;

describe("buildRedisConf", () => {
  const conf = buildRedisConf({ password: PASSWORD });

  it("requires the password, keeps protected mode, appends only, disables dangerous commands", () => {
    expect(conf).toContain(`requirepass "${PASSWORD}"`);
    expect(conf).toMatch(/^protected-mode yes$/m);
    expect(conf).toMatch(/^bind 0\.0\.0\.0$/m);
    expect(conf).toMatch(/^appendonly yes$/m);
    for (const c of ["FLUSHALL", "FLUSHDB", "CONFIG", "DEBUG"])
      expect(conf).toContain(`rename-command ${c} ""`);
  });

  it("rejects short or config-breaking passwords without echoing them", () => {
    for (const bad of ["short", `${PASSWORD}"\nrequirepass ""`, `${PASSWORD} x`, `${PASSWORD}\\`]) {
      expect(() => buildRedisConf({ password: bad })).toThrow(/^password: /);
      try {
        buildRedisConf({ password: bad });
      } catch (e) {
        expect(String(e)).not.toContain(bad);
      }
    }
    expect(() => buildRedisConf({ password: PASSWORD, dataDir: "data" })).toThrow();
  });
});

const canRun = haveProgram("redis-server", "redis-server") && haveProgram("redis-cli", "redis-tools");

describe.runIf(canRun)("real redis-server with the generated config", () => {
  const tmp = makeTempDir("redis");
  let server: ChildProcess | undefined;
  let port = 0;

  // REDISCLI_AUTH keeps the password off the command line, as in production.
  function cli(args: string[], auth: boolean): string {
    const env = { ...process.env, REDISCLI_AUTH: auth ? PASSWORD : "" };
    const r = spawnSync(
      findProgram("redis-cli") ?? "redis-cli",
      ["-h", "127.0.0.1", "-p", String(port), ...args],
      {
        encoding: "utf8",
        env,
      },
    );
    return `${r.stdout}${r.stderr}`.trim();
  }

  beforeAll(async () => {
    port = await freePort();
    const file = join(tmp.dir, "redis.conf");
    writeFileSync(file, buildRedisConf({ password: PASSWORD, dataDir: tmp.dir }));
    // Only the listener is overridden for the test host: loopback and a free port.
    server = spawn(
      findProgram("redis-server") ?? "redis-server",
      [file, "--port", String(port), "--bind", "127.0.0.1"],
      {
        stdio: "ignore",
      },
    );
    for (let i = 0; i < 50 && !cli(["PING"], true).includes("PONG"); i++)
      await new Promise((r) => setTimeout(r, 100));
  });

  afterAll(() => {
    server?.kill("SIGTERM");
    tmp.cleanup();
  });

  it("refuses clients without the password and serves those with it", () => {
    expect(cli(["PING"], false)).toMatch(/NOAUTH/);
    expect(cli(["PING"], true)).toBe("PONG");
    expect(cli(["SET", "titan:test", "1"], true)).toBe("OK");
    expect(cli(["GET", "titan:test"], true)).toBe("1");
    expect(cli(["INFO", "persistence"], true)).toMatch(/aof_enabled:1/);
  });

  it("has the dangerous commands disabled", () => {
    for (const c of REDIS_DISABLED_COMMANDS.filter((x) => x !== "SHUTDOWN")) {
      expect(cli([c], true), c).toMatch(/unknown command/i);
    }
  });
});
