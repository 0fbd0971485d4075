// Realistic resources as the engine presents them for the split (prod) topology: edge + trading
// droplets, their firewalls, the data volume, containers and secrets. Every builder returns a
// fresh object so tests can plant one violation without touching the others.
import type { EngineResource } from "../../scripts/engine/policy-engine";

export const T = {
  droplet: "digitalocean:index/droplet:Droplet",
  firewall: "digitalocean:index/firewall:Firewall",
  volume: "digitalocean:index/volume:Volume",
  container: "docker:index/container:Container",
  remoteImage: "docker:index/remoteImage:RemoteImage",
  bucket: "digitalocean:index/spacesBucket:SpacesBucket",
  randomPassword: "random:index/randomPassword:RandomPassword",
  monitorAlert: "digitalocean:index/monitorAlert:MonitorAlert",
} as const;

export const PROD_ALLOWLIST = ["203.0.113.10/32", "198.51.100.0/28", "2001:db8:1234::/48"];
// biome-ignore lint/security/noSecrets: test fixture, not a secret
export const BCRYPT_11 = "$2b$11$X0.Ye8v8KjA4KLRl0JbMAeJpPsD4YOdHwqNg5V2XzoZzucBoaVXdS";
// biome-ignore lint/security/noSecrets: test fixture, not a secret
export const BCRYPT_8 = "$2b$08$Z6xrVFYav7hjhRIxVy90xuggIFalfxEybGgClr5mH7ptXaOlEaw62";
export const DIGEST = `sha256:${"a1".repeat(32)}`;
export const PRIVATE_IP = "10.110.0.3";
export const NOW_CONFIG = { "secrets-rotation-epoch": { now: "2026-11-24T00:00:00Z" } };

export function resource(
  type: string,
  name: string,
  properties: Record<string, unknown>,
  options: EngineResource["options"] = {},
): EngineResource {
  return { type, name, urn: `urn:pulumi:prod::titan::${type}::${name}`, properties, options };
}

const CLOUD_INIT = `#cloud-config
users:
  - name: deploy
    lock_passwd: true
    ssh_authorized_keys: [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOperatorKey operator" ]
ssh_pwauth: false
package_update: true
packages: [docker.io, chrony]
`;

export function droplet(
  name: string,
  role: "titan-edge" | "titan-trading" | "titan-single",
  extra: Record<string, unknown> = {},
  options: EngineResource["options"] = {},
) {
  const stateful = role !== "titan-edge";
  return resource(
    T.droplet,
    name,
    {
      id: name === "edge" ? "1001" : "1002",
      image: "ubuntu-24-04-x64",
      region: "fra1",
      size: "s-2vcpu-4gb",
      vpcUuid: "3f2a-vpc",
      sshKeys: ["ab:cd:ef"],
      monitoring: true,
      backups: true,
      backupPolicy: { plan: "daily", hour: 4 },
      tags: [role, "titan-env-prod"],
      userData: CLOUD_INIT,
      ...extra,
    },
    stateful ? { protect: true, ignoreChanges: ["userData", "sshKeys", "image"], ...options } : options,
  );
}

export type Rule = Record<string, unknown>;

export function firewall(
  name: string,
  tags: string[],
  inboundRules: Rule[],
  outboundRules: Rule[] = [],
  extra: Record<string, unknown> = {},
) {
  return resource(T.firewall, name, { name, tags, inboundRules, outboundRules, ...extra });
}

export const EGRESS: Rule[] = [
  { protocol: "udp", portRange: "53", destinationAddresses: ["0.0.0.0/0", "::/0"] },
  { protocol: "tcp", portRange: "53", destinationAddresses: ["0.0.0.0/0", "::/0"] },
  { protocol: "udp", portRange: "123", destinationAddresses: ["0.0.0.0/0", "::/0"] },
  { protocol: "tcp", portRange: "443", destinationAddresses: ["0.0.0.0/0", "::/0"] },
];

export function edgeFirewall() {
  return firewall(
    "edge-fw",
    ["titan-edge"],
    [
      { protocol: "tcp", portRange: "80", sourceAddresses: ["0.0.0.0/0", "::/0"] },
      { protocol: "tcp", portRange: "443", sourceAddresses: ["0.0.0.0/0", "::/0"] },
      { protocol: "tcp", portRange: "22", sourceAddresses: PROD_ALLOWLIST },
      { protocol: "icmp", sourceAddresses: ["0.0.0.0/0", "::/0"] },
    ],
    [
      ...EGRESS,
      { protocol: "tcp", portRange: "3100", destinationTags: ["titan-trading"] },
      { protocol: "tcp", portRange: "4222", destinationTags: ["titan-trading"] },
      { protocol: "tcp", portRange: "22", destinationTags: ["titan-trading"] },
    ],
  );
}

export function tradingFirewall() {
  return firewall(
    "trading-fw",
    ["titan-trading"],
    [
      { protocol: "tcp", portRange: "22", sourceTags: ["titan-edge"] },
      { protocol: "tcp", portRange: "3100", sourceTags: ["titan-edge"] },
    ],
    EGRESS,
  );
}

export function volume() {
  return resource(
    T.volume,
    "trading-data",
    { region: "fra1", size: 50, initialFilesystemType: "ext4" },
    { protect: true },
  );
}

const HARDENING = {
  securityOpts: ["no-new-privileges:true"],
  capabilities: { drops: ["ALL"] },
  readOnly: true,
  memory: 512,
  restart: "unless-stopped",
};

export function container(name: string, extra: Record<string, unknown> = {}) {
  return resource(T.container, name, {
    name,
    image: `ghcr.io/peycheff-com/titan-trading-system/${name}@${DIGEST}`,
    ...HARDENING,
    ...extra,
  });
}

/**
 * A never-started config carrier container, as a test resource: it mounts the named `volume` at
 * `target` and uploads `uploads`, which the services mounting that volume then see.
 */
export const configCarrier = (
  name: string,
  volume: string,
  target: string,
  uploads: { file: string; content: string }[],
) => ({
  type: T.container,
  name,
  props: container(name, {
    start: false,
    mustRun: false,
    networkMode: "none",
    ports: [],
    envs: [],
    readOnly: false,
    mounts: [{ type: "volume", source: volume, target, readOnly: false }],
    uploads,
  }).properties,
});

/** A service container with these mounts, as a test resource (for a carrier's volume). */
export const mountingService = (
  name: string,
  image: string,
  mounts: Record<string, unknown>[],
  extra = {},
) => ({
  type: T.container,
  name,
  props: container(name, { image, mounts, ...extra }).properties,
});

export const NATS_CONF = `# Titan NATS server
listen: 0.0.0.0:4222
http: 127.0.0.1:8222
jetstream {
  store_dir: "/data/jetstream"
}
authorization {
  users = [
    { user: brain, password: "${BCRYPT_11}", permissions: { publish: ">", subscribe: ">" } }
    { user: execution, password: "${BCRYPT_11}"
      permissions: {
        publish: { allow: ["titan.evt.execution.>", "titan.execution.>", "titan.evt.phase.>", "titan.dlq.execution.>"] }
        subscribe: ["titan.cmd.execution.>", "titan.cmd.sys.halt.v1", "_INBOX.>"]
      }
    }
    { user: quant, password: "${BCRYPT_11}", permissions: { publish: ["titan.evt.quant.>", "titan.cmd.ai.>"], subscribe: ["titan.evt.>"] } }
    { user: console, password: "${BCRYPT_11}", permissions: { publish: { deny: ">" }, subscribe: ["titan.data.>", "titan.evt.>", "_INBOX.>"] } }
  ]
}
`;

export const TRAEFIK_STATIC = `entryPoints:
  web:
    address: ":80"
    http:
      redirections:
        entryPoint:
          to: websecure
          scheme: https
  websecure:
    address: ":443"
providers:
  file:
    directory: /etc/traefik/dynamic
    watch: true
ping: {}
`;

export const TRAEFIK_DYNAMIC = `tls:
  options:
    default:
      minVersion: VersionTLS13
      sniStrict: true
http:
  routers:
    console:
      rule: Host(\`helm.example.com\`)
      entryPoints: [websecure]
      service: console
      tls: { certResolver: le }
    console-api:
      rule: Host(\`helm.example.com\`) && PathPrefix(\`/api\`)
      entryPoints: [websecure]
      service: console-api
      tls: { certResolver: le }
  services:
    console:
      loadBalancer:
        servers: [{ url: "http://titan-console:8080" }]
    console-api:
      loadBalancer:
        servers: [{ url: "http://titan-console-api:3000" }]
`;

export function traefik(extra: Record<string, unknown> = {}) {
  return container("traefik", {
    image: `traefik@${DIGEST}`,
    ports: [
      { internal: 80, external: 80 },
      { internal: 443, external: 443 },
    ],
    uploads: [
      { file: "/etc/traefik/traefik.yml", content: TRAEFIK_STATIC },
      { file: "/etc/traefik/dynamic/titan.yml", content: TRAEFIK_DYNAMIC },
    ],
    ...extra,
  });
}

export function nats(extra: Record<string, unknown> = {}) {
  return container("nats", {
    image: `nats@${DIGEST}`,
    ports: [
      { internal: 4222, external: 4222, ip: PRIVATE_IP },
      { internal: 8222, external: 8222, ip: "127.0.0.1" },
    ],
    uploads: [{ file: "/etc/nats/nats.conf", content: NATS_CONF }],
    command: ["nats-server", "--config", "/etc/nats/nats.conf"],
    ...extra,
  });
}

/** The whole safe split topology: zero mandatory violations expected. */
/** The four droplet alerts (CPU, memory, disk, load) on the environment tag every droplet carries. */
export function monitorAlerts(tag = "titan-env-prod"): EngineResource[] {
  const types = ["cpu", "memory_utilization_percent", "disk_utilization_percent", "load_5"];
  return types.map((metric) =>
    resource(T.monitorAlert, `alerts-${metric}`, {
      alerts: { emails: ["oncall@example.com"] },
      compare: "GreaterThan",
      enabled: true,
      tags: [tag],
      type: `v1/insights/droplet/${metric}`,
      value: metric === "load_5" ? 4 : 85,
      window: "10m",
    }),
  );
}

export function safeSplitTopology(): EngineResource[] {
  return [
    ...monitorAlerts(),
    droplet("edge", "titan-edge"),
    droplet("trading", "titan-trading"),
    edgeFirewall(),
    tradingFirewall(),
    volume(),
    traefik(),
    container("titan-console"),
    // biome-ignore lint/security/noSecrets: test fixture, not a secret
    container("titan-console-api", { envs: ["TITAN_MASTER_PASSWORD=s3cret", "NATS_USER=console"] }),
    nats(),
    container("titan-brain", {
      envs: ["HMAC_SECRET=abc", "HMAC_TIMESTAMP_TOLERANCE=5", "JWT_SECRET=x"],
    }),
    container("titan-execution", {
      envs: ["HMAC_SECRET=abc", "BYBIT_API_KEY=k", "BYBIT_SECRET_KEY=s", "HMAC_TIMESTAMP_TOLERANCE=5"],
    }),
    container("titan-ai-quant", { envs: ["GEMINI_API_KEY=g"] }),
    container("postgres", {
      image: `postgres@${DIGEST}`,
      volumes: [{ hostPath: "/mnt/titan-data/postgres", containerPath: "/var/lib/postgresql/data" }],
    }),
    container("redis", { image: `redis@${DIGEST}` }),
    container("brain-gateway", {
      image: `nginx@${DIGEST}`,
      ports: [{ internal: 3100, external: 3100, ip: PRIVATE_IP }],
    }),
    resource(T.remoteImage, "brain-image", {
      name: `ghcr.io/peycheff-com/titan-trading-system/titan-brain@${DIGEST}`,
    }),
    resource(T.randomPassword, "hmac-secret", { length: 48, keepers: { rotationEpoch: "2026-Q4" } }),
  ];
}
