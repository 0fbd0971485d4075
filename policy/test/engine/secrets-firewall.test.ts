// The value-based secret checks and the trading role by workload, through the real pack process
// over the analyzer protocol: providers, dependencies and propertyDependencies travel as the engine
// sends them (AnalyzeStack gets final outputs), secrets arrive wrapped, unknowns as the sentinel.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type EngineResource,
  type PolicyPackSession,
  startPolicyPack,
} from "../../../scripts/engine/policy-engine";
import { toEngineResources } from "../../../scripts/plan/policy-verdict";
import { planResources } from "../../../scripts/plan/run-plan";
import { NOW_CONFIG } from "../fixtures";
import { graphSecrets, graphTopology, withProps } from "../graph-fixtures";
import { UNKNOWN_STRING } from "../stack-graph";

const PACK_DIR = path.resolve(__dirname, "../..");
const prod = JSON.parse(readFileSync(path.join(PACK_DIR, "config.prod.json"), "utf8")) as Record<
  string,
  Record<string, unknown>
>;
const config = {
  ...prod,
  "secrets-rotation-epoch": { ...prod["secrets-rotation-epoch"], ...NOW_CONFIG["secrets-rotation-epoch"] },
};
const secret = (value: unknown) => ({
  // biome-ignore lint/security/noSecrets: Pulumi's public secret signature, not a secret
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  value,
});

let pack: PolicyPackSession;
beforeAll(async () => {
  pack = await startPolicyPack({ packDir: PACK_DIR, config, stack: "prod", project: "titan" });
}, 120_000);
afterAll(async () => {
  await pack?.close();
});

async function evaluate(resources: EngineResource[]) {
  const [perResource, stack] = await Promise.all([pack.analyzeMany(resources), pack.analyzeStack(resources)]);
  return [...perResource, ...stack].map(brief);
}

/** The SDK sends `<description>\n<message>`; the message is what the violation says. */
function brief(d: { policyName: string; enforcementLevel: string; message: string }) {
  return {
    policy: d.policyName,
    level: d.enforcementLevel,
    message: d.message.slice(d.message.indexOf("\n") + 1),
  };
}
const PUBLIC_443 = { protocol: "tcp", portRange: "443", sourceAddresses: ["0.0.0.0/0"] };

describe("secret values and the trading role over the engine protocol", () => {
  it("passes the graph topology with no diagnostics", async () => {
    expect(await evaluate(graphTopology())).toEqual([]);
  });

  it("refuses the trading droplet with its tag renamed, told by the workload on its provider", async () => {
    let rs = withProps(graphTopology(), "trading", (p) => ({ ...p, tags: ["titan-misc"] }));
    rs = withProps(rs, "trading-fw", (p) => ({ ...p, tags: ["titan-misc"], inboundRules: [PUBLIC_443] }));
    const hits = (await evaluate(rs)).filter((d) => d.policy === "stack-firewall-coverage");
    expect(hits.map((d) => d.level)).toEqual(["mandatory", "mandatory"]);
    expect(hits[1]?.message).toContain(
      "Trading droplet 'trading' (urn:pulumi:prod::titan::digitalocean:index/droplet:Droplet::trading) (trading because it runs titan-brain (container 'titan-brain' via Docker provider 'trading-docker')) is reachable from public source(s) 0.0.0.0/0",
    );
  });

  it("sends propertyDependencies: an unmatched host counts only the droplets its host depends on", async () => {
    const rs = graphTopology().map((r) =>
      r.name === "trading-docker"
        ? {
            ...r,
            properties: { ...r.properties, host: "ssh://titan@trading.internal" },
            // All dependencies include the bastion; the host's own do not.
            propertyDependencies: {
              host: ["urn:pulumi:prod::titan::digitalocean:index/droplet:Droplet::trading"],
            },
          }
        : r,
    );
    const hits = (await evaluate(rs)).filter((d) => d.policy === "stack-firewall-coverage");
    expect(hits).toEqual([]);
    const open = rs.map((r) =>
      r.name === "trading-fw" ? { ...r, properties: { ...r.properties, inboundRules: [PUBLIC_443] } } : r,
    );
    const messages = (await evaluate(open))
      .filter((d) => d.policy === "stack-firewall-coverage")
      .map((d) => d.message);
    expect(messages.every((m) => m.startsWith("Trading droplet 'trading'"))).toBe(true);
    expect(messages).toHaveLength(2);
  });

  it("refuses a scoped secret's value under another name, even wrapped as a Pulumi secret", async () => {
    const s = graphSecrets();
    const rs = withProps(graphTopology(s), "titan-hunter", (p) => ({
      ...p,
      envs: secret(["NATS_USER=hunter", `FEED_TOKEN=${s.bybitSecret}`]),
    }));
    const hits = (await evaluate(rs)).filter((d) => d.policy === "secret-scope");
    expect(hits).toEqual([
      {
        policy: "secret-scope",
        level: "mandatory",
        message: expect.stringContaining(
          "Container 'titan-hunter' (urn:pulumi:prod::titan::docker:index/container:Container::titan-hunter) holds the value of BYBIT_SECRET_KEY (held by titan-execution) in env FEED_TOKEN, which only titan-execution may hold.",
        ),
      },
    ]);
  });

  it("refuses user data holding a stack secret value", async () => {
    const s = graphSecrets();
    const rs = withProps(graphTopology(s), "edge", (p) => ({
      ...p,
      userData: `#cloud-config\nruncmd: [echo ${s.registryToken}]\n`,
    }));
    const hits = (await evaluate(rs)).filter((d) => d.policy === "user-data-no-secrets");
    expect(hits.map((d) => d.level)).toEqual(["mandatory"]);
    expect(hits[0]?.message).toContain(
      "userData contains the value of Docker provider 'edge-docker' registryAuth",
    );
    expect(hits[0]?.message).not.toContain(s.registryToken);
  });

  it("reports values unknown at preview as advisory, saying what could not be compared", async () => {
    const rs = withProps(graphTopology(), "titan-execution", (p) => ({
      ...p,
      envs: [...(p.envs as string[]), UNKNOWN_STRING],
    }));
    const hits = (await evaluate(rs)).filter((d) => d.policy === "secret-scope");
    expect(hits).toEqual([
      {
        policy: "secret-scope",
        level: "advisory",
        message:
          "can't run policy 'secret-scope' from policy pack 'titan-policy@v0.1.0' during preview: 1 value(s) in containers or Docker providers are unknown during preview (first: container 'titan-execution' .envs.3); a secret's value cannot be compared before it is known, so where those values land is judged at pulumi up, when the engine sends final outputs",
      },
    ]);
  });
});

describe("the real program's plan with the trading tag renamed", () => {
  it("is still refused: the trading droplet is told by brain, execution and postgres on it", async () => {
    const plan = await planResources({ dir: path.resolve(PACK_DIR, ".."), stack: "prod", strict: false });
    const rs = toEngineResources(plan.resources).map((r) => {
      if (r.type === "digitalocean:index/droplet:Droplet" && r.name === "trading-droplet") {
        const tags = ["titan-misc", "titan-env-prod"];
        return { ...r, properties: { ...r.properties, tags }, outputs: { ...r.outputs, tags } };
      }
      if (r.type === "digitalocean:index/firewall:Firewall" && r.name === "trading-firewall") {
        const open = (p: Record<string, unknown> = {}) => ({
          ...p,
          tags: ["titan-misc"],
          inboundRules: [...((p.inboundRules as unknown[]) ?? []), PUBLIC_443],
        });
        return { ...r, properties: open(r.properties), outputs: open(r.outputs) };
      }
      return r;
    });
    const stack = await pack.analyzeStack(rs);
    const hits = stack
      .map(brief)
      .filter((d) => d.policy === "stack-firewall-coverage")
      .map((d) => d.message);
    expect(hits).toHaveLength(2);
    expect(hits[1]).toMatch(
      /^Trading droplet 'trading-droplet' \(urn:[^)]+\) \(trading because it runs (titan-brain|titan-execution|postgres|nats|redis) \(container '[a-z-]+' via Docker provider 'trading-docker'\)\) is reachable from public source\(s\) 0\.0\.0\.0\/0/,
    );
    // The edge, whose reserved IP the trading provider's host also depends on (the bastion), is not trading.
    expect(hits.some((m) => m.includes("'edge-droplet'"))).toBe(false);
  }, 180_000);
});
