// Every env name the stack gives a Titan container is one Titan's code reads (data/titan-contract.json)
// or one its runtime reads (RUNTIME_ENV, each with its reader), and every env var the contract marks
// required is given. Names that nobody reads (the old NATS_CA_FILE, BRAIN_*) cannot come back.
import { describe, expect, it } from "vitest";
import { plainEnvFor, RUNTIME_ENV } from "../../infra/builders/plain-env";
import { SECRET_SCOPE } from "../../infra/model/secret-scope";
import { SERVICES } from "../../infra/model/services";
import { contractService, loadTitanContract } from "../../infra/model/titan-contract";

const contract = loadTitanContract();
const titanServices = SERVICES.filter((s) => s.image.kind !== "third-party");
const contractNameOf = (s: (typeof titanServices)[number]) =>
  s.image.kind === "titan" ? s.image.image : s.image.kind === "operator" ? s.image.service : s.name;

describe("the stack's env follows Titan's contract", () => {
  it.each(titanServices.map((s) => [s.name, s] as const))(
    "%s: only names Titan or its runtime reads",
    (_n, spec) => {
      const read = new Set(contractService(contract, contractNameOf(spec)).env.map((e) => e.name));
      const given = [
        ...Object.keys(plainEnvFor(spec.name, { topology: "split", tradingPrivateIp: "10.20.0.2" })),
        ...SECRET_SCOPE[spec.name].map((e) => e.env),
      ];
      const unread = given.filter((name) => !read.has(name) && !(name in RUNTIME_ENV));
      expect(unread).toEqual([]);
    },
  );

  it.each(titanServices.map((s) => [s.name, s] as const))("%s: every required name is given", (_n, spec) => {
    const given = new Set([
      ...Object.keys(plainEnvFor(spec.name, { topology: "split", tradingPrivateIp: "10.20.0.2" })),
      ...SECRET_SCOPE[spec.name].filter((e) => !e.optional).map((e) => e.env),
    ]);
    const required = contractService(contract, contractNameOf(spec)).env.filter((e) => e.required);
    expect(required.filter((e) => !given.has(e.name)).map((e) => `${e.name} (${e.source})`)).toEqual([]);
  });

  it("never sets HMAC_ALLOW_EMPTY_SECRET, which would let execution start without a key", () => {
    for (const spec of SERVICES) {
      const names = [
        ...Object.keys(plainEnvFor(spec.name, { topology: "single", tradingPrivateIp: "10.20.0.2" })),
        ...SECRET_SCOPE[spec.name].map((e) => e.env),
      ];
      expect(names).not.toContain("HMAC_ALLOW_EMPTY_SECRET");
    }
  });
});
