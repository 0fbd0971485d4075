// The split topology with its resource graph, as the engine sends AnalyzeStack: final outputs
// (droplet addresses, the reserved IP), each container's Docker provider (with its inputs) and the
// providers themselves as resources, dependencies and propertyDependencies. Shaped after what the
// program registers (the trading provider's host also depends on the edge droplet: it is the SSH
// bastion), so the trading role must be told by address, not by dependency alone.
import { randomBytes } from "node:crypto";
import type { EngineResource } from "../../scripts/engine/policy-engine";
import {
  container,
  DIGEST,
  droplet,
  edgeFirewall,
  monitorAlerts,
  resource,
  tradingFirewall,
  traefik,
} from "./fixtures";

export const G = {
  provider: "pulumi:providers:docker",
  reservedIp: "digitalocean:index/reservedIp:ReservedIp",
  command: "command:local:Command",
  volume: "digitalocean:index/volume:Volume",
  attachment: "digitalocean:index/volumeAttachment:VolumeAttachment",
  randomPassword: "random:index/randomPassword:RandomPassword",
  privateKey: "tls:index/privateKey:PrivateKey",
} as const;

/** An obviously fake secret, new for every call. */
export const fakeSecret = (label: string) => `fake-${label}-${randomBytes(12).toString("hex")}`;

export interface GraphSecrets {
  bybitSecret: string;
  hmac: string;
  registryToken: string;
}

export function graphSecrets(): GraphSecrets {
  return { bybitSecret: fakeSecret("bybit"), hmac: fakeSecret("hmac"), registryToken: fakeSecret("ghcr") };
}

function dockerProvider(
  name: string,
  host: string,
  hostDeps: string[],
  deps: string[],
  registryToken: string,
) {
  const r = resource(G.provider, name, {
    host,
    // Provider inputs travel as JSON text.
    registryAuth: JSON.stringify([{ address: "ghcr.io", username: "titan-deploy", password: registryToken }]),
  });
  return { ...r, propertyDependencies: { host: hostDeps }, dependencies: deps };
}

/** A container on a host: its provider reference carries the provider's inputs. */
export function on(host: EngineResource, c: EngineResource): EngineResource {
  return {
    ...c,
    options: { ...c.options, provider: `${host.urn}::${host.name}-id` },
    provider: { name: host.name, type: G.provider, urn: host.urn, properties: host.properties },
    dependencies: [host.urn],
  };
}

export function graphTopology(s: GraphSecrets = graphSecrets()): EngineResource[] {
  const edge = droplet("edge", "titan-edge", {
    ipv4Address: "198.51.100.20",
    ipv4AddressPrivate: "10.20.0.10",
  });
  const trading = droplet("trading", "titan-trading", {
    ipv4Address: "198.51.100.21",
    ipv4AddressPrivate: "10.20.0.11",
  });
  const edgeIp = {
    ...resource(G.reservedIp, "edge-ip", { ipAddress: "198.51.100.22", dropletId: 1001, region: "fra1" }),
    propertyDependencies: { dropletId: [edge.urn] },
    dependencies: [edge.urn],
  };
  const edgeWait = {
    ...resource(G.command, "edge-cloud-init-wait", { create: "ssh ..." }),
    dependencies: [edgeIp.urn, edge.urn],
  };
  const tradingWait = {
    ...resource(G.command, "trading-cloud-init-wait", { create: "ssh ..." }),
    dependencies: [trading.urn, edgeIp.urn, edge.urn, edgeWait.urn],
  };
  const edgeDocker = dockerProvider(
    "edge-docker",
    "ssh://titan@198.51.100.22",
    [edgeIp.urn, edge.urn],
    [edgeWait.urn, edgeIp.urn, edge.urn],
    s.registryToken,
  );
  const tradingDocker = dockerProvider(
    "trading-docker",
    "ssh://titan@10.20.0.11",
    [trading.urn, edgeIp.urn, edge.urn, edgeWait.urn],
    [tradingWait.urn, trading.urn, edgeIp.urn, edge.urn, edgeWait.urn],
    s.registryToken,
  );
  const data = resource(
    G.volume,
    "trading-data",
    { name: "titan-prod-data", initialFilesystemLabel: "titan-data", region: "fra1", size: 50 },
    { protect: true },
  );
  const attachment = {
    ...resource(G.attachment, "trading-data-attachment", { dropletId: 1002, volumeId: "vol-1" }),
    propertyDependencies: { dropletId: [trading.urn], volumeId: [data.urn] },
    dependencies: [trading.urn, data.urn],
  };
  return [
    ...monitorAlerts(),
    edge,
    trading,
    edgeIp,
    edgeWait,
    tradingWait,
    edgeDocker,
    tradingDocker,
    edgeFirewall(),
    tradingFirewall(),
    data,
    attachment,
    on(edgeDocker, traefik()),
    on(edgeDocker, container("titan-console")),
    on(
      tradingDocker,
      container("titan-brain", { envs: [`HMAC_SECRET=${s.hmac}`, "HMAC_TIMESTAMP_TOLERANCE=5"] }),
    ),
    on(
      tradingDocker,
      container("titan-execution", {
        image: `ghcr.io/peycheff-com/titan-trading-system/titan-execution-rs@${DIGEST}`,
        envs: [`HMAC_SECRET=${s.hmac}`, `BYBIT_SECRET_KEY=${s.bybitSecret}`, "HMAC_TIMESTAMP_TOLERANCE=5"],
      }),
    ),
    on(tradingDocker, container("titan-sentinel", { envs: [`TITAN_HMAC_SECRET=${s.hmac}`] })),
    on(tradingDocker, container("titan-hunter", { envs: ["NATS_USER=hunter"] })),
    on(tradingDocker, container("postgres", { image: `postgres@${DIGEST}` })),
  ];
}

export function named(rs: EngineResource[], name: string): EngineResource {
  const r = rs.find((x) => x.name === name);
  if (!r) throw new Error(`no resource ${name}`);
  return r;
}

/** The same stack with one resource's properties changed. */
export function withProps(
  rs: EngineResource[],
  name: string,
  change: (props: Record<string, unknown>) => Record<string, unknown>,
): EngineResource[] {
  return rs.map((r) => (r.name === name ? { ...r, properties: change({ ...r.properties }) } : r));
}
