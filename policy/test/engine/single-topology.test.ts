// The single topology under its own stack config (config.single.json), through the engine protocol.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type EngineResource,
  type PolicyPackSession,
  startPolicyPack,
} from "../../../scripts/engine/policy-engine";
import {
  container,
  droplet,
  EGRESS,
  firewall,
  monitorAlerts,
  NOW_CONFIG,
  nats,
  PROD_ALLOWLIST,
  resource,
  T,
  traefik,
  volume,
} from "../fixtures";

const PACK_DIR = path.resolve(__dirname, "../..");
const singleConfig = JSON.parse(readFileSync(path.join(PACK_DIR, "config.single.json"), "utf8")) as Record<
  string,
  unknown
>;

function singleTopology(): EngineResource[] {
  return [
    droplet("single", "titan-single", { backups: false }),
    ...monitorAlerts(),
    firewall(
      "single-fw",
      ["titan-single"],
      [
        { protocol: "tcp", portRange: "80", sourceAddresses: ["0.0.0.0/0", "::/0"] },
        { protocol: "tcp", portRange: "443", sourceAddresses: ["0.0.0.0/0", "::/0"] },
        { protocol: "tcp", portRange: "22", sourceAddresses: PROD_ALLOWLIST },
      ],
      EGRESS,
    ),
    volume(),
    traefik(),
    nats({ ports: [] }),
    container("titan-brain", { envs: ["HMAC_SECRET=x", "HMAC_TIMESTAMP_TOLERANCE=5"] }),
    container("titan-execution", { envs: ["HMAC_SECRET=x", "BYBIT_API_KEY=k", "BYBIT_SECRET_KEY=s"] }),
    resource(T.randomPassword, "hmac", { keepers: { rotationEpoch: "2026-Q4" } }),
  ];
}

let pack: PolicyPackSession;

beforeAll(async () => {
  pack = await startPolicyPack({
    packDir: PACK_DIR,
    config: { ...singleConfig, ...NOW_CONFIG, "container-memory-limit": { enforcementLevel: "mandatory" } },
    stack: "single",
  });
});

afterAll(async () => {
  await pack?.close();
});

describe("policy pack over the engine protocol: single topology", () => {
  it("passes with zero diagnostics", async () => {
    const resources = singleTopology();
    expect([...(await pack.analyzeMany(resources)), ...(await pack.analyzeStack(resources))]).toEqual([]);
  });

  it("reports missing droplet alerts as advisory on single (no titan:alertEmails required there)", async () => {
    const resources = singleTopology().filter((r) => r.type !== T.monitorAlert);
    const hits = (await pack.analyzeStack(resources)).filter(
      (d) => d.policyName === "droplet-alerts-required",
    );
    expect(hits.map((d) => d.enforcementLevel)).toEqual(["advisory"]);
    expect(hits[0]?.message).toContain("Droplet 'single'");
  });

  it("applies a level changed in the config file", async () => {
    const [diagnostic] = await pack.analyze(container("redis", { memory: 0 }));
    expect(diagnostic?.policyName).toBe("container-memory-limit");
    expect(diagnostic?.enforcementLevel).toBe("mandatory");
  });

  it("still treats the single droplet as stateful", async () => {
    const diagnostics = await pack.analyze(
      droplet("single", "titan-single", {}, { protect: false, ignoreChanges: [] }),
    );
    expect(diagnostics.map((d) => d.policyName)).toEqual([
      "stateful-resources-protected",
      "stateful-resources-protected",
    ]);
  });
});
