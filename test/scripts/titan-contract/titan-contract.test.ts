import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  parseTitanContract,
  type TitanContract,
  type TitanService,
} from "../../../infra/model/titan-contract";
import { covers } from "../../../scripts/titan-contract/build";
import { run } from "../../../scripts/titan-contract/index";
import { makeTempDir } from "../../builders/real-tool";

const FIXTURE = join(__dirname, "fixtures", "titan");
const OVERRIDES = join(__dirname, "fixtures", "overrides.json");
const COMMIT = "0".repeat(40);

function build(out: string, check = false): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = run({ titan: FIXTURE, commit: COMMIT, out, overrides: OVERRIDES, check }, (l) =>
    lines.push(l),
  );
  return { code, lines };
}

let contract: TitanContract;
let alpha: TitanService;
let beta: TitanService;
let dir: string;

beforeAll(() => {
  const tmp = makeTempDir("titan-contract");
  dir = tmp.dir;
  expect(build(join(dir, "c.json")).code).toBe(0);
  contract = parseTitanContract(JSON.parse(readFileSync(join(dir, "c.json"), "utf8")));
  alpha = contract.services.find((s) => s.name === "alpha") as TitanService;
  beta = contract.services.find((s) => s.name === "beta") as TitanService;
});

describe("titan-contract builder on the fixture tree", () => {
  it("reads the workflow: published image, tag rule, registry from the repository", () => {
    expect(alpha.image).toMatchObject({
      name: "fx-alpha",
      publishedByCi: true,
      tags: ["type=sha,prefix=,format=long"],
    });
    expect(beta.image.publishedByCi).toBe(false);
    expect(contract.titan.registry).toBe("ghcr.io/example/fixture-titan");
    expect(contract.clients).toEqual({ natsJs: "9.9.9", asyncNats: "0.99.1" });
  });

  it("reads the final Dockerfile stage only", () => {
    expect(alpha.ports).toEqual([{ port: 7001, protocol: "http", source: "services/alpha/Dockerfile:7" }]);
    expect(alpha.image).toMatchObject({ base: "node:22-alpine", user: "app" });
    expect(alpha.health).toEqual({
      path: "/healthz",
      startPeriodSeconds: 45,
      command: "wget -qO- http://localhost:7001/healthz || exit 1",
      source: "services/alpha/Dockerfile:8",
    });
    expect(beta.health).toBeNull();
  });

  it("reads TS env: throw/exit checks, required tables, defaults, destructuring, image ENV, overrides", () => {
    const env = Object.fromEntries(alpha.env.map((e) => [e.name, e]));
    expect(env.ALPHA_TOKEN).toMatchObject({
      required: true,
      secret: true,
      source: "services/alpha/src/secrets.ts:5",
    });
    expect(env.ALPHA_SIGNING_SECRET).toMatchObject({ required: true, secret: true });
    expect(env.ALPHA_DB_URL).toMatchObject({ required: true, source: "services/alpha/src/secrets.ts:2" });
    expect(env.BUS_URL).toMatchObject({ required: false, default: "nats://localhost:4222" });
    expect(env.REGION).toMatchObject({ default: "eu", source: "services/alpha/src/main.ts:5" });
    expect(env.PORT).toMatchObject({
      default: "7001",
      note: "image sets PORT=7001 (services/alpha/Dockerfile:6)",
    });
    expect(env.ZONE).toMatchObject({
      required: true,
      note: "override: made-up override: alpha needs a zone in this fixture",
    });
    // exported by the package barrel but never imported by alpha
    expect(env.NEVER_LOADED).toBeUndefined();
  });

  it("reads Rust env: expect = required, unwrap_or_else default, comments and cfg(test) skipped", () => {
    expect(beta.env.map((e) => `${e.name}:${e.required}:${e.default ?? "-"}`)).toEqual([
      "BETA_KEY:true:-",
      "BETA_LEVEL:false:",
      "BETA_URL:false:nats://localhost:4222",
    ]);
  });

  it("reads nats.js subjects, streams and the durable that never gets a deliver subject", () => {
    expect(alpha.nats).toMatchObject({
      client: "nats.js",
      user: "alpha",
      publish: ["fx.cmd.orders.binance", "fx.evt.tick.*"],
      subscribe: ["fx.evt.tick"],
      request: ["fx.rpc.quote"],
      inboxPrefix: "_INBOX",
    });
    expect(alpha.nats.streamsCreated.map((s) => `${s.name}=${s.subjects.join(",")}`)).toEqual([
      "FX_CMD=fx.cmd.>",
      "FX_EVT=fx.evt.>",
    ]);
    expect(alpha.nats.consumers).toMatchObject([
      { stream: "FX_EVT", durable: "ALPHA_TICKS", kind: "push", created: false },
    ]);
    expect(alpha.nats.jsApi).toEqual([
      "$JS.API.CONSUMER.INFO.FX_EVT.ALPHA_TICKS",
      "$JS.API.INFO",
      "$JS.API.STREAM.CREATE.FX_CMD",
      "$JS.API.STREAM.CREATE.FX_EVT",
      "$JS.API.STREAM.NAMES",
    ]);
  });

  it("reads async-nats streams, pull consumers, format! subjects and override subjects", () => {
    expect(beta.nats.publish).toEqual(["fx.evt.extra", "fx.evt.fill.*"]);
    expect(beta.nats.subscribe).toEqual(["fx.evt.fill"]);
    expect(beta.nats.consumers).toMatchObject([
      { stream: "FX_CMD", durable: "BETA_ORDERS", filter: "fx.cmd.orders.>", kind: "pull", created: true },
    ]);
    expect(beta.nats.jsApi).toEqual([
      "$JS.API.CONSUMER.CREATE.FX_CMD.BETA_ORDERS.fx.cmd.orders.>",
      "$JS.API.CONSUMER.MSG.NEXT.FX_CMD.BETA_ORDERS",
      "$JS.API.STREAM.CREATE.FX_CMD",
      "$JS.API.STREAM.INFO.FX_CMD",
    ]);
  });

  it("--check: 0 when up to date, 1 with a readable diff when stale", () => {
    const out = join(dir, "check.json");
    copyFileSync(join(dir, "c.json"), out);
    expect(build(out, true)).toEqual({
      code: 0,
      lines: [`${out} is up to date with Titan ${COMMIT}`],
    });
    const stale = JSON.parse(readFileSync(out, "utf8")) as TitanContract;
    const s = stale.services[1] as TitanService;
    s.env = s.env.filter((e) => e.name !== "BETA_KEY");
    writeFileSync(out, JSON.stringify(stale));
    const { code, lines } = build(out, true);
    expect(code).toBe(1);
    expect(lines).toContain("+ services[beta].env[BETA_KEY].required: true");
    expect(lines[0]).toBe(`${out} is stale against ${FIXTURE} (Titan ${COMMIT}): 4 changed line(s)`);
  });
});

describe("covers", () => {
  it("matches NATS wildcards", () => {
    expect(covers("fx.cmd.>", "fx.cmd.orders.>")).toBe(true);
    expect(covers("fx.cmd.>", "fx.cmd")).toBe(false);
    expect(covers("fx.*.tick", "fx.evt.tick")).toBe(true);
    expect(covers("fx.evt.tick", "fx.evt.tick.*")).toBe(false);
  });
});
