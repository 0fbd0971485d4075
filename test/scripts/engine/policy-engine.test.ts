// The engine-protocol driver itself: spawn, handshake (GetAnalyzerInfo, Configure), per-resource
// and stack analysis, config levels, secret markers, and a clean shutdown.
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { startPolicyPack } from "../../../scripts/engine/policy-engine";

const PACK_DIR = path.resolve(__dirname, "../../../policy");
const firewall = (rules: Record<string, unknown>[]) => ({
  urn: "urn:pulumi:prod::titan::digitalocean:index/firewall:Firewall::fw",
  type: "digitalocean:index/firewall:Firewall",
  name: "fw",
  properties: {
    tags: ["titan-edge"],
    inboundRules: rules,
    outboundRules: [{ protocol: "tcp", portRange: "all", destinationAddresses: ["0.0.0.0/0"] }],
  },
});

describe("policy-engine driver", () => {
  it("spawns the pack, configures it, analyzes and shuts down", async () => {
    const session = await startPolicyPack({
      packDir: PACK_DIR,
      config: {
        all: "mandatory",
        "no-public-protected-ports": { enforcementLevel: "disabled" },
        "ssh-allowlist-only": { allowlist: ["198.51.100.0/28"] },
      },
      stack: "prod",
    });
    try {
      console.log(`policy pack spawn-to-ready: ${session.startupMs} ms`);
      expect(session.startupMs).toBeGreaterThan(0);
      const info = await session.info();
      expect(info.name).toBe("titan-policy");
      expect(info.policies.length).toBeGreaterThanOrEqual(16);

      const diagnostics = await session.analyze(
        firewall([
          { protocol: "tcp", portRange: "3100", sourceAddresses: ["0.0.0.0/0"] },
          { protocol: "tcp", portRange: "22", sourceAddresses: ["198.51.100.2/32"] },
        ]),
      );
      // "all" raised the advisory egress policy; the protected-ports policy was disabled; the SSH
      // allow-list arrived through Configure.
      expect(diagnostics.map((d) => `${d.policyName}:${d.enforcementLevel}`).sort()).toEqual([
        "egress-port-scoped:mandatory",
        "public-ingress-edge-only:mandatory",
      ]);
      expect(diagnostics[0]?.policyPackVersion).toBe("0.1.0");

      const stack = await session.analyzeStack([
        {
          urn: "urn:pulumi:prod::titan::digitalocean:index/droplet:Droplet::lonely",
          type: "digitalocean:index/droplet:Droplet",
          name: "lonely",
          properties: { tags: ["x"] },
        },
      ]);
      // A lone droplet: no firewall covers it, and no monitor alert watches it.
      expect(stack.map((d) => d.policyName).sort()).toEqual([
        "droplet-alerts-required",
        "stack-firewall-coverage",
      ]);
      for (const d of stack)
        expect(d.urn).toBe("urn:pulumi:prod::titan::digitalocean:index/droplet:Droplet::lonely");
      expect(await session.analyzeMany([])).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it("refuses a directory that is not a pack", async () => {
    await expect(startPolicyPack({ packDir: path.join(PACK_DIR, "lib") })).rejects.toThrow(
      /not a policy pack/,
    );
  });
});
