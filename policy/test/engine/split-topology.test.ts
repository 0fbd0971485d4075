// Drives the real pack process through the analyzer gRPC protocol, as `pulumi preview` does.
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
  DIGEST,
  droplet,
  edgeFirewall,
  firewall,
  NATS_CONF,
  NOW_CONFIG,
  nats,
  resource,
  safeSplitTopology,
  T,
  TRAEFIK_STATIC,
  tradingFirewall,
  traefik,
  volume,
} from "../fixtures";

const PACK_DIR = path.resolve(__dirname, "../..");
const prodConfig = JSON.parse(readFileSync(path.join(PACK_DIR, "config.prod.json"), "utf8")) as Record<
  string,
  Record<string, unknown>
>;
const config = {
  ...prodConfig,
  "secrets-rotation-epoch": {
    ...prodConfig["secrets-rotation-epoch"],
    ...NOW_CONFIG["secrets-rotation-epoch"],
  },
};

let pack: PolicyPackSession;

beforeAll(async () => {
  pack = await startPolicyPack({ packDir: PACK_DIR, config, stack: "prod", project: "titan" });
  console.log(`policy pack spawn-to-ready: ${pack.startupMs} ms`);
});

afterAll(async () => {
  await pack?.close();
});

async function evaluate(resources: EngineResource[]) {
  const [perResource, stack] = await Promise.all([pack.analyzeMany(resources), pack.analyzeStack(resources)]);
  return [...perResource, ...stack];
}

function replace(resources: EngineResource[], name: string, replacement: EngineResource): EngineResource[] {
  return resources.map((r) => (r.name === name ? replacement : r));
}

describe("policy pack over the engine protocol: split topology", () => {
  it("describes itself", async () => {
    const info = await pack.info();
    expect(info.name).toBe("titan-policy");
    expect(info.version).toBe("0.1.0");
    expect(info.policies.map((p) => p.name)).toContain("stack-firewall-coverage");
    expect(info.policies.find((p) => p.name === "egress-port-scoped")?.enforcementLevel).toBe("advisory");
    expect(info.policies.every((p) => p.description.endsWith("."))).toBe(true);
  });

  it("passes the safe split topology with no diagnostics at all", async () => {
    expect(await evaluate(safeSplitTopology())).toEqual([]);
  });

  const planted: [string, string, (rs: EngineResource[]) => EngineResource[]][] = [
    [
      "public 3100 on trading",
      "no-public-protected-ports",
      (rs) =>
        replace(
          rs,
          "trading-fw",
          firewall(
            "trading-fw",
            ["titan-trading"],
            [{ protocol: "tcp", portRange: "3000-3200", sourceAddresses: ["0.0.0.0/0"] }],
          ),
        ),
    ],
    [
      "SSH from the internet",
      "ssh-allowlist-only",
      (rs) =>
        replace(
          rs,
          "edge-fw",
          firewall(
            "edge-fw",
            ["titan-edge"],
            [{ protocol: "tcp", portRange: "22", sourceAddresses: ["::/0"] }],
          ),
        ),
    ],
    [
      "public 8080 on edge",
      "public-ingress-edge-only",
      (rs) =>
        replace(
          rs,
          "edge-fw",
          firewall(
            "edge-fw",
            ["titan-edge"],
            [{ protocol: "tcp", portRange: "8080", sourceAddresses: ["0.0.0.0/0"] }],
          ),
        ),
    ],
    [
      "trading reachable from public 443 via droplet id",
      "stack-firewall-coverage",
      (rs) => [
        ...rs,
        firewall(
          "extra",
          [],
          [{ protocol: "tcp", portRange: "443", sourceAddresses: ["0.0.0.0/1", "128.0.0.0/1"] }],
          [],
          { dropletIds: [1002] },
        ),
      ],
    ],
    ["uncovered droplet", "stack-firewall-coverage", (rs) => rs.filter((r) => r.name !== "edge-fw")],
    [
      "droplet without monitoring",
      "droplet-baseline",
      (rs) => replace(rs, "edge", droplet("edge", "titan-edge", { monitoring: false })),
    ],
    [
      "prod droplet without backups",
      "droplet-baseline",
      (rs) => replace(rs, "edge", droplet("edge", "titan-edge", { backups: false })),
    ],
    [
      "prod droplets without a disk alert",
      "droplet-alerts-required",
      (rs) => rs.filter((r) => r.name !== "alerts-disk_utilization_percent"),
    ],
    [
      "prod alert with no destination",
      "droplet-alerts-required",
      (rs) =>
        rs.map((r) =>
          r.name === "alerts-cpu" ? { ...r, properties: { ...r.properties, alerts: { emails: [] } } } : r,
        ),
    ],
    [
      "unprotected trading droplet",
      "stateful-resources-protected",
      (rs) => replace(rs, "trading", droplet("trading", "titan-trading", {}, { protect: false })),
    ],
    [
      "unprotected volume",
      "stateful-resources-protected",
      (rs) => replace(rs, "trading-data", { ...volume(), options: {} }),
    ],
    [
      "brain on 0.0.0.0:3100",
      "container-hardening",
      (rs) =>
        replace(rs, "titan-brain", container("titan-brain", { ports: [{ internal: 3100, external: 3100 }] })),
    ],
    [
      "docker socket in traefik",
      "container-hardening",
      (rs) =>
        replace(
          rs,
          "traefik",
          traefik({ volumes: [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" }] }),
        ),
    ],
    [
      "image by tag",
      "images-pinned-by-digest",
      (rs) => replace(rs, "redis", container("redis", { image: "redis:7-alpine" })),
    ],
    [
      // Hunter now holds the read-only BYBIT_API_KEY (config.prod.json); the trading key is execution's only.
      "exchange trading secret in hunter",
      "secret-scope",
      (rs) => [...rs, container("titan-hunter", { envs: ["BYBIT_SECRET_KEY=x"] })],
    ],
    [
      "secret in user data",
      "user-data-no-secrets",
      (rs) =>
        replace(
          rs,
          "edge",
          droplet("edge", "titan-edge", { userData: "#cloud-config\nruncmd: [echo HMAC_SECRET=abc]" }),
        ),
    ],
    [
      "hunter publishes commands",
      "nats-config-safe",
      (rs) =>
        replace(
          rs,
          "nats",
          nats({
            uploads: [
              {
                file: "/etc/nats/nats.conf",
                content: NATS_CONF.replace(
                  'publish: ["titan.evt.quant.>", "titan.cmd.ai.>"]',
                  'publish: ["titan.>"]',
                ),
              },
            ],
          }),
        ),
    ],
    [
      "traefik dashboard",
      "traefik-config-safe",
      (rs) =>
        replace(
          rs,
          "traefik",
          traefik({
            uploads: [
              { file: "/etc/traefik/traefik.yml", content: `${TRAEFIK_STATIC}api:\n  insecure: true\n` },
            ],
          }),
        ),
    ],
    [
      "public bucket",
      "spaces-bucket-safe",
      (rs) => [...rs, resource(T.bucket, "backups", { acl: "public-read", versioning: { enabled: true } })],
    ],
  ];

  it.each(planted)("catches %s (%s)", async (_label, policyName, plant) => {
    const diagnostics = await evaluate(plant(safeSplitTopology()));
    const hits = diagnostics.filter((d) => d.policyName === policyName);
    expect(hits.length, JSON.stringify(diagnostics, null, 1)).toBeGreaterThan(0);
    expect(hits.every((d) => d.enforcementLevel === "mandatory")).toBe(true);
    expect(hits[0]?.message).toContain("Fix");
  });

  it("reports advisory policies as advisory", async () => {
    const diagnostics = await evaluate([
      ...safeSplitTopology(),
      resource(T.randomPassword, "old", { keepers: { rotationEpoch: "2025-Q1" } }),
      container("titan-sentinel", { memory: undefined }),
    ]);
    expect(diagnostics.map((d) => [d.policyName, d.enforcementLevel]).sort()).toEqual([
      ["container-memory-limit", "advisory"],
      ["secrets-rotation-epoch", "advisory"],
    ]);
  });

  it("sees through Pulumi secret markers", async () => {
    const secret = (value: unknown) => ({
      // biome-ignore lint/security/noSecrets: Pulumi's public secret signature, not a secret
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value,
    });
    const leaky = container("titan-scavenger", {
      envs: secret(["BYBIT_SECRET_KEY=x"]),
      image: secret(`scavenger@${DIGEST}`),
    });
    // secret-scope is a stack policy (it compares values across containers).
    const diagnostics = await pack.analyzeStack([leaky]);
    expect(diagnostics.map((d) => d.policyName)).toEqual(["secret-scope"]);
  });

  it("gives the same verdicts concurrently as one by one", async () => {
    const resources = [
      edgeFirewall(),
      tradingFirewall(),
      firewall(
        "bad",
        ["titan-trading"],
        [{ protocol: "TCP", portRange: " 0 ", sourceAddresses: [" 0.0.0.0/0"] }],
      ),
    ];
    const sequential = [];
    for (const r of resources) sequential.push(...(await pack.analyze(r)));
    expect(await pack.analyzeMany(resources)).toEqual(sequential);
    expect(sequential.length).toBeGreaterThan(0);
  });
});
