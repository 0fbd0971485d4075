// The resource types that can expose Titan besides droplets and firewalls, each through the
// analyzer protocol: one unsafe case refused (mandatory unless the policy is advisory) and one
// safe case accepted with no diagnostic at all from any policy, on top of the safe split topology.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type EngineResource,
  type PolicyPackSession,
  startPolicyPack,
} from "../../../scripts/engine/policy-engine";
import { NOW_CONFIG, PROD_ALLOWLIST, resource, safeSplitTopology, T } from "../fixtures";

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
  // Set through the engine's config path, as an operator would to admit one reviewed cluster or app.
  "kubernetes-cluster-safe": { allowlist: PROD_ALLOWLIST },
  "app-platform-allowlist": { allowedApps: ["titan-status"] },
};

const TYPES = {
  lb: "digitalocean:index/loadBalancer:LoadBalancer",
  db: "digitalocean:index/databaseCluster:DatabaseCluster",
  dbFirewall: "digitalocean:index/databaseFirewall:DatabaseFirewall",
  app: "digitalocean:index/app:App",
  k8s: "digitalocean:index/kubernetesCluster:KubernetesCluster",
  ipAssignment: "digitalocean:index/reservedIpAssignment:ReservedIpAssignment",
  bucketPolicy: "digitalocean:index/spacesBucketPolicy:SpacesBucketPolicy",
  // biome-ignore lint/security/noSecrets: a Pulumi type token, not a secret
  cors: "digitalocean:index/spacesBucketCorsConfiguration:SpacesBucketCorsConfiguration",
  key: "digitalocean:index/spacesKey:SpacesKey",
  cdn: "digitalocean:index/cdn:Cdn",
} as const;
const EDGE_URN = `urn:pulumi:prod::titan::${T.droplet}::edge`;
const TRADING_URN = `urn:pulumi:prod::titan::${T.droplet}::trading`;
const DB_URN = `urn:pulumi:prod::titan::${TYPES.db}::pg`;
const withDeps = (r: EngineResource, dependencies: string[]): EngineResource => ({ ...r, dependencies });
const https = (targetPort: number) => ({
  entryProtocol: "https",
  entryPort: 443,
  targetProtocol: "http",
  targetPort,
  certificateName: "c",
});
const k8s = (controlPlaneFirewall: unknown, extra: Record<string, unknown> = {}) =>
  resource(TYPES.k8s, "k8s", {
    region: "fra1",
    version: "1.31.1-do.0",
    vpcUuid: "3f2a-vpc",
    autoUpgrade: true,
    ha: true,
    nodePool: { name: "default", size: "s-2vcpu-4gb", nodeCount: 2 },
    controlPlaneFirewall,
    ...extra,
  });
const bucketPolicy = (Principal: unknown) =>
  resource(TYPES.bucketPolicy, "backups-policy", {
    bucket: "titan-prod-backups",
    region: "fra1",
    policy: JSON.stringify({
      Statement: [{ Effect: "Allow", Principal, Action: "s3:GetObject", Resource: "*" }],
    }),
  });
const assets = resource(T.bucket, "assets", {
  name: "titan-prod-assets",
  region: "fra1",
  acl: "private",
  versioning: { enabled: true },
});

interface Case {
  policy: string;
  level?: "mandatory" | "advisory";
  /** The message (or the start of it) the refused case must carry. */
  says: string;
  unsafe: EngineResource[];
  safe: EngineResource[];
}

const cases: Case[] = [
  {
    policy: "load-balancer-safe",
    says: "forwards internet traffic to protected internal port 3100.",
    unsafe: [resource(TYPES.lb, "lb", { dropletTag: "titan-edge", forwardingRules: [https(3100)] })],
    safe: [
      resource(TYPES.lb, "lb", {
        dropletTag: "titan-edge",
        redirectHttpToHttps: true,
        forwardingRules: [https(443)],
      }),
    ],
  },
  {
    policy: "load-balancer-safe",
    says: "targets droplet 'trading'",
    unsafe: [
      withDeps(resource(TYPES.lb, "lb", { dropletIds: [412000002], forwardingRules: [https(443)] }), [
        TRADING_URN,
      ]),
    ],
    safe: [
      withDeps(resource(TYPES.lb, "lb", { dropletIds: [412000001], forwardingRules: [https(443)] }), [
        EDGE_URN,
      ]),
    ],
  },
  {
    policy: "database-cluster-private",
    says: "has no database firewall with a trusted source",
    unsafe: [
      resource(TYPES.db, "pg", {
        engine: "pg",
        nodeCount: 1,
        region: "fra1",
        size: "db-s-1vcpu-1gb",
        privateNetworkUuid: "3f2a-vpc",
      }),
    ],
    safe: [
      resource(TYPES.db, "pg", {
        engine: "pg",
        nodeCount: 1,
        region: "fra1",
        size: "db-s-1vcpu-1gb",
        privateNetworkUuid: "3f2a-vpc",
      }),
      withDeps(
        resource(TYPES.dbFirewall, "pg-fw", {
          clusterId: "pg-id",
          rules: [{ type: "tag", value: "titan-trading" }],
        }),
        [DB_URN],
      ),
    ],
  },
  {
    policy: "app-platform-allowlist",
    says: "(spec.name 'shadow') is not on the allow-list (titan-status).",
    unsafe: [resource(TYPES.app, "app", { spec: { name: "shadow", services: [{ name: "api" }] } })],
    safe: [resource(TYPES.app, "app", { spec: { name: "titan-status", staticSites: [{ name: "site" }] } })],
  },
  {
    policy: "kubernetes-cluster-safe",
    says: "does not enable controlPlaneFirewall, so its API endpoint is open to the whole internet.",
    unsafe: [k8s({ enabled: false, allowedAddresses: ["203.0.113.10/32"] })],
    safe: [k8s({ enabled: true, allowedAddresses: ["203.0.113.10/32"] })],
  },
  {
    policy: "kubernetes-cluster-maintained",
    level: "advisory",
    says: "does not set autoUpgrade: true",
    unsafe: [k8s({ enabled: true, allowedAddresses: ["203.0.113.10/32"] }, { autoUpgrade: false })],
    safe: [k8s({ enabled: true, allowedAddresses: ["203.0.113.10/32"] })],
  },
  {
    // requireHa comes from config.prod.json.
    policy: "kubernetes-cluster-maintained",
    level: "advisory",
    says: "does not set ha: true, and this stack requires a highly available control plane.",
    unsafe: [k8s({ enabled: true, allowedAddresses: ["203.0.113.10/32"] }, { ha: false })],
    safe: [k8s({ enabled: true, allowedAddresses: ["203.0.113.10/32"] })],
  },
  {
    policy: "reserved-ip-edge-only",
    says: "puts a public address on droplet 'trading'",
    unsafe: [
      withDeps(resource(TYPES.ipAssignment, "ip", { ipAddress: "192.0.2.1", dropletId: 412000002 }), [
        TRADING_URN,
      ]),
    ],
    safe: [
      withDeps(resource(TYPES.ipAssignment, "ip", { ipAddress: "192.0.2.1", dropletId: 412000001 }), [
        EDGE_URN,
      ]),
    ],
  },
  {
    policy: "spaces-bucket-policy-private",
    says: 'statement #1 allows Principal {"AWS":"*"}',
    unsafe: [bucketPolicy({ AWS: "*" })],
    safe: [bucketPolicy({ AWS: "arn:aws:iam::1234:user/restore" })],
  },
  {
    policy: "spaces-bucket-safe",
    says: "CORS rule #1 lets any origin ('*') send PUT.",
    unsafe: [
      resource(TYPES.cors, "cors", {
        bucket: "titan-prod-assets",
        region: "fra1",
        corsRules: [{ allowedOrigins: ["*"], allowedMethods: ["PUT"] }],
      }),
    ],
    safe: [
      resource(TYPES.cors, "cors", {
        bucket: "titan-prod-assets",
        region: "fra1",
        corsRules: [{ allowedOrigins: ["*"], allowedMethods: ["GET"] }],
      }),
    ],
  },
  {
    policy: "spaces-key-one-bucket",
    says: "grant #1 (fullaccess on '') is not a one-bucket permission",
    unsafe: [resource(TYPES.key, "key", { grants: [{ bucket: "", permission: "fullaccess" }] })],
    safe: [
      resource(TYPES.key, "key", {
        name: "titan-prod-backup",
        grants: [{ bucket: "titan-prod-backups", permission: "readwrite" }],
      }),
    ],
  },
  {
    policy: "cdn-origin-safe",
    says: "the stack's backup bucket (its name says it holds backups)",
    unsafe: [
      resource(T.bucket, "backups", {
        name: "titan-prod-backups",
        region: "fra1",
        acl: "private",
        versioning: { enabled: true },
      }),
      resource(TYPES.cdn, "cdn", { origin: "titan-prod-backups.fra1.digitaloceanspaces.com" }),
    ],
    safe: [assets, resource(TYPES.cdn, "cdn", { origin: "titan-prod-assets.fra1.digitaloceanspaces.com" })],
  },
];

let pack: PolicyPackSession;

beforeAll(async () => {
  pack = await startPolicyPack({ packDir: PACK_DIR, config, stack: "prod", project: "titan" });
});

afterAll(async () => {
  await pack?.close();
});

async function evaluate(extra: EngineResource[]) {
  const resources = [...safeSplitTopology(), ...extra];
  const [perResource, stack] = await Promise.all([pack.analyzeMany(resources), pack.analyzeStack(resources)]);
  return [...perResource, ...stack];
}

describe("policy pack over the engine protocol: resource types that can expose Titan", () => {
  it("serves every new policy with its level", async () => {
    const info = await pack.info();
    const levels = Object.fromEntries(info.policies.map((p) => [p.name, p.enforcementLevel]));
    for (const c of cases) expect(levels[c.policy], c.policy).toBe(c.level ?? "mandatory");
  });

  it.each(cases.map((c) => [c.policy, c.says, c] as const))("%s refuses: %s", async (_p, _s, c) => {
    const diagnostics = await evaluate(c.unsafe);
    const hits = diagnostics.filter((d) => d.policyName === c.policy);
    expect(hits.map((d) => d.message).join("\n"), JSON.stringify(diagnostics, null, 1)).toContain(c.says);
    expect(hits.every((d) => d.enforcementLevel === (c.level ?? "mandatory"))).toBe(true);
    expect(diagnostics.filter((d) => d.policyName !== c.policy)).toEqual([]);
  });

  it.each(cases.map((c) => [c.policy, c.says, c] as const))(
    "%s accepts the safe neighbour of: %s",
    async (_p, _s, c) => {
      expect(await evaluate(c.safe)).toEqual([]);
    },
  );
});
