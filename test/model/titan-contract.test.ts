import { describe, expect, it } from "vitest";
import { contractService, loadTitanContract, parseTitanContract } from "../../infra/model/titan-contract";

describe("committed data/titan-contract.json", () => {
  const contract = loadTitanContract();

  it("parses with the schema and names Titan commit a7c05a02", () => {
    expect(contract.titan.commit).toBe("a7c05a02b5f1f70887c1bb8716e36954bff49c21");
    expect(contract.titan.repo).toBe("peycheff-com/titan-trading-system");
    expect(contract.clients).toEqual({ natsJs: "2.29.3", asyncNats: "0.33.0" });
  });

  it("has the ten Titan services", () => {
    expect(contract.services.map((s) => s.name)).toEqual([
      "titan-brain",
      "titan-execution-rs",
      "titan-phase1-scavenger",
      "titan-phase2-hunter",
      "titan-phase3-sentinel",
      "titan-ai-quant",
      "titan-powerlaw-lab",
      "titan-console",
      "titan-console-api",
      "titan-opsd",
    ]);
  });

  it("keeps the facts checked by hand against Titan's source", () => {
    const exec = contractService(contract, "titan-execution-rs");
    expect(exec.nats.consumers.map((c) => `${c.stream}/${c.durable}`)).toEqual([
      "TITAN_CMD/EXECUTION_CORE",
      "TITAN_CMD/RISK_ENFORCER",
    ]);
    expect(exec.env.find((e) => e.name === "HMAC_SECRET")?.required).toBe(true);
    const brain = contractService(contract, "titan-brain");
    expect(brain.ports.map((p) => `${p.port}/${p.protocol}`)).toEqual(["3100/http", "3101/websocket"]);
    expect(brain.health?.startPeriodSeconds).toBe(480);
    expect(contractService(contract, "titan-console-api").image.publishedByCi).toBe(false);
    expect(contractService(contract, "titan-powerlaw-lab").image.publishedByCi).toBe(true);
  });

  it("refuses a document with a short commit, naming the field", () => {
    const bad = { ...contract, titan: { ...contract.titan, commit: "a7c05a02" } };
    expect(() => parseTitanContract(bad, "doc")).toThrow(
      "doc is invalid: titan.commit: expected a 40-hex commit. Regenerate it with npm run titan-contract.",
    );
  });

  it("names the known services when asked for an unknown one", () => {
    expect(() => contractService(contract, "titan-nope")).toThrow(
      'Titan contract has no service "titan-nope"',
    );
  });
});
