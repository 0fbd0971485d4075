import type { GraphNode } from "./deploy-graph";

interface LatencyStep {
  seconds: number;
  source: string;
}

/** `data/deploy-latencies.json`: typical seconds per deploy step, each with where it comes from. */
export interface LatencyTable {
  asOf: string;
  steps: Record<StepName, LatencyStep>;
  imagePull: { source: string; defaultSeconds: number; byRepository: { match: string; seconds: number }[] };
}

type StepName =
  | "dropletCreate"
  | "cloudInit"
  | "volumeCreate"
  | "volumeAttach"
  | "firewall"
  | "reservedIpAssign"
  | "dnsRecord"
  | "vpc"
  | "tag"
  | "sshKey"
  | "project"
  | "localOnly"
  | "dockerProvider"
  | "dockerNetwork"
  | "dockerVolume"
  | "containerStartHealthy";

const STEP_OF_TYPE: Record<string, StepName> = {
  "digitalocean:index/droplet:Droplet": "dropletCreate",
  "digitalocean:index/volume:Volume": "volumeCreate",
  "digitalocean:index/volumeAttachment:VolumeAttachment": "volumeAttach",
  "digitalocean:index/firewall:Firewall": "firewall",
  "digitalocean:index/reservedIp:ReservedIp": "reservedIpAssign",
  "digitalocean:index/dnsRecord:DnsRecord": "dnsRecord",
  "digitalocean:index/vpc:Vpc": "vpc",
  "digitalocean:index/tag:Tag": "tag",
  "digitalocean:index/sshKey:SshKey": "sshKey",
  "digitalocean:index/project:Project": "project",
  "pulumi:providers:docker": "dockerProvider",
  "docker:index/network:Network": "dockerNetwork",
  "docker:index/volume:Volume": "dockerVolume",
  "docker:index/container:Container": "containerStartHealthy",
  "command:local:Command": "cloudInit",
};

const LOCAL_PACKAGES = ["random:", "tls:"];

export const isDroplet = (n: GraphNode) => n.type === "digitalocean:index/droplet:Droplet";
export const isContainer = (n: GraphNode) => n.type === "docker:index/container:Container";
const isImagePull = (n: GraphNode) => n.type === "docker:index/remoteImage:RemoteImage";
/** The command that waits for a droplet's cloud-init: everything on that host starts after it. */
export const isHostReadyWait = (n: GraphNode) =>
  n.type === "command:local:Command" && n.name.endsWith("cloud-init-wait");

/** Seconds to pull one image, by the first repository match in the table. */
export function imagePullSeconds(image: string, table: LatencyTable): number {
  const repository = image.split("@")[0] ?? image;
  return (
    table.imagePull.byRepository.find((r) => repository.includes(r.match))?.seconds ??
    table.imagePull.defaultSeconds
  );
}

/** Seconds one node adds to a deploy; components and unknown types add nothing. */
export function secondsOf(node: GraphNode, table: LatencyTable): number {
  if (!node.custom) return 0;
  if (isImagePull(node)) return imagePullSeconds(String(node.inputs.name ?? ""), table);
  if (LOCAL_PACKAGES.some((p) => node.type.startsWith(p))) return table.steps.localOnly.seconds;
  const step = STEP_OF_TYPE[node.type];
  return step ? table.steps[step].seconds : 0;
}

/**
 * No deploy can be faster than its slowest droplet, then cloud-init, then its slowest image, then a
 * container start with its health check.
 */
export function lowerBoundSeconds(nodes: Iterable<GraphNode>, table: LatencyTable): number {
  let droplet = 0;
  let image = 0;
  for (const n of nodes) {
    if (isDroplet(n)) droplet = Math.max(droplet, secondsOf(n, table));
    if (isImagePull(n)) image = Math.max(image, secondsOf(n, table));
  }
  return droplet + table.steps.cloudInit.seconds + image + table.steps.containerStartHealthy.seconds;
}
