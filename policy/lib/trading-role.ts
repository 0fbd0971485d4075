// Which droplets are on the trading plane, judged by what they carry rather than only by a tag a
// change can rename: a droplet is trading when a trading workload (brain, execution, postgres, ...)
// runs on its Docker daemon, or when the Titan data volume is attached to it.
//
// A container reaches its droplet through its Docker provider (PolicyResource.provider; the
// provider itself is a `pulumi:providers:docker` resource of the stack). The provider's `host`
// names the daemon: matched against droplet addresses and reserved IPs first, because the host of a
// droplet behind a bastion also depends on the bastion's droplet. Only when the host matches no
// address (a DNS name, say) does every droplet its `host` depends on count (fail closed).
import type { PolicyResource } from "@pulumi/policy";
import { CONTAINER_TYPE } from "./docker";
import { DOCKER_PROVIDER_TYPE } from "./docker-auth";
import { DROPLET_TYPE } from "./firewall";
import { readKnown, type UnknownValueError, UnknownValues } from "./known";
import { asArray, asText, asTextArray } from "./props";

export const VOLUME_TYPE = "digitalocean:index/volume:Volume";
export const VOLUME_ATTACHMENT_TYPE = "digitalocean:index/volumeAttachment:VolumeAttachment";
const RESERVED_IP_TYPES = [
  "digitalocean:index/reservedIp:ReservedIp",
  "digitalocean:index/reservedIpAssignment:ReservedIpAssignment",
  "digitalocean:index/floatingIp:FloatingIp",
  "digitalocean:index/floatingIpAssignment:FloatingIpAssignment",
];
const DROPLET_ADDRESS_FIELDS = ["ipv4Address", "ipv4AddressPrivate", "ipv6Address"];

export interface TradingRoleConfig {
  tradingTags: readonly string[];
  tradingWorkloads: readonly string[];
  tradingVolumes: readonly string[];
  singleHostTags: readonly string[];
}

export interface TradingRoles {
  /** Trading droplets (by URN), each with why; `undefined` = by tag (the message needs no reason). */
  readonly byUrn: Map<string, string | undefined>;
  /** Values that could not be read (at preview), by the resource being placed when they were met. */
  readonly unknown: UnknownValues;
}

/** `ghcr.io/o/titan-execution-rs:v1@sha256:..` -> `titan-execution-rs`. */
export function imageBaseName(image: string): string {
  const noDigest = image.split("@")[0] ?? "";
  const last = noDigest.split("/").at(-1) ?? "";
  return last.split(":")[0] ?? "";
}

/** `x` matches workload `w` when it is `w` or `w-<suffix>` (titan-execution-rs is execution). */
export function matchesWorkload(x: string, workloads: readonly string[]): string | undefined {
  const lower = x.toLowerCase();
  return workloads.find((w) => lower === w.toLowerCase() || lower.startsWith(`${w.toLowerCase()}-`));
}

function globMatches(pattern: string, text: string): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "i").test(text);
}

/** The address part of a Docker host: `ssh://user@10.0.0.3:22`, `tcp://[2001:db8::1]:2376`. */
export function dockerHostAddress(host: string): string | undefined {
  try {
    const url = new URL(host);
    const hostname = url.hostname.replace(/^\[|\]$/g, "");
    return hostname === "" ? undefined : hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function idOf(r: PolicyResource, unknowns: UnknownValueError[]): string | undefined {
  const id = readKnown(() => asText(r.props.id), unknowns);
  return id === undefined || id === "" ? undefined : id;
}

/** Droplets whose addresses (or a reserved IP assigned to them) equal `address`. */
function dropletsAt(address: string, resources: readonly PolicyResource[], unknowns: UnknownValueError[]) {
  const droplets = resources.filter((r) => r.type === DROPLET_TYPE);
  const found = new Set<PolicyResource>();
  for (const d of droplets) {
    for (const field of DROPLET_ADDRESS_FIELDS) {
      const value = readKnown(() => asText(d.props[field]), unknowns);
      if (value !== undefined && value.toLowerCase() === address) found.add(d);
    }
  }
  for (const ip of resources.filter((r) => RESERVED_IP_TYPES.includes(r.type))) {
    const value = readKnown(() => asText(ip.props.ipAddress), unknowns);
    if (value === undefined || value.toLowerCase() !== address) continue;
    const dropletId = readKnown(() => asText(ip.props.dropletId), unknowns);
    for (const d of droplets) if (dropletId !== undefined && idOf(d, unknowns) === dropletId) found.add(d);
    for (const d of ip.propertyDependencies.dropletId ?? ip.dependencies)
      if (d.type === DROPLET_TYPE) found.add(d);
  }
  return [...found];
}

/** Droplets reached from `start` through dependencies, stopping at droplets. */
function dependedDroplets(start: readonly PolicyResource[]): PolicyResource[] {
  const found = new Set<PolicyResource>();
  const seen = new Set<PolicyResource>();
  const queue = [...start];
  while (queue.length > 0) {
    const r = queue.shift() as PolicyResource;
    if (seen.has(r)) continue;
    seen.add(r);
    if (r.type === DROPLET_TYPE) found.add(r);
    else queue.push(...r.dependencies);
  }
  return [...found];
}

/** The droplets a container runs on, and how that was decided (unknowns recorded on the provider). */
function containerDroplets(
  container: PolicyResource,
  resources: readonly PolicyResource[],
  unread: UnknownValues,
): { droplets: PolicyResource[]; via: string } | undefined {
  const ref = container.provider;
  if (!ref) return undefined;
  return unread.within(`Docker provider '${ref.name}'`, (unknowns) => {
    const provider = resources.find((r) => r.urn === ref.urn && r.type === DOCKER_PROVIDER_TYPE);
    const props = provider?.props ?? ref.props;
    const host = readKnown(() => asText(props.host), unknowns);
    // A host unknown at preview: which droplet it names cannot be told yet (reported as unknown).
    if (unknowns.length > 0) return undefined;
    const via = `Docker provider '${ref.name}'`;
    const address = host ? dockerHostAddress(host) : undefined;
    const atAddress = address ? dropletsAt(address, resources, unknowns) : [];
    if (atAddress.length > 0) return { droplets: atAddress, via };
    // A provider the stack does not hold has no dependencies to follow: its droplet cannot be told,
    // so every droplet counts (fail closed; the engine always sends providers).
    if (!provider)
      return {
        droplets: resources.filter((r) => r.type === DROPLET_TYPE),
        via: `${via}, which is not in the stack and whose host ${host ? `'${host}'` : "(none)"} matches no droplet address, so every droplet counts`,
      };
    const start = provider.propertyDependencies.host ?? provider.dependencies;
    return {
      droplets: dependedDroplets(start),
      via: `${via}, whose host ${host ? `'${host}'` : "(none)"} matches no droplet address, so every droplet it depends on counts`,
    };
  });
}

function isTitanData(volume: PolicyResource, patterns: readonly string[], unknowns: UnknownValueError[]) {
  const names = [
    readKnown(() => asText(volume.props.name), unknowns),
    readKnown(() => asText(volume.props.initialFilesystemLabel), unknowns),
    ...(readKnown(() => asTextArray(volume.props.tags), unknowns) ?? []),
  ].filter((n): n is string => n !== undefined && n !== "");
  return names.some((n) => patterns.some((p) => globMatches(p, n)));
}

/** Droplets the volume is attached to: VolumeAttachments (by dependency or id) and droplet volumeIds. */
function attachedDroplets(
  volume: PolicyResource,
  resources: readonly PolicyResource[],
  unknowns: UnknownValueError[],
): PolicyResource[] {
  const droplets = resources.filter((r) => r.type === DROPLET_TYPE);
  const volumeId = idOf(volume, unknowns);
  const found = new Set<PolicyResource>();
  for (const a of resources.filter((r) => r.type === VOLUME_ATTACHMENT_TYPE)) {
    const byDep = (a.propertyDependencies.volumeId ?? a.dependencies).includes(volume);
    const attachedId = readKnown(() => asText(a.props.volumeId), unknowns);
    if (!byDep && !(volumeId !== undefined && attachedId === volumeId)) continue;
    for (const d of a.propertyDependencies.dropletId ?? a.dependencies)
      if (d.type === DROPLET_TYPE) found.add(d);
    const dropletId = readKnown(() => asText(a.props.dropletId), unknowns);
    for (const d of droplets) if (dropletId !== undefined && idOf(d, unknowns) === dropletId) found.add(d);
  }
  for (const d of droplets) {
    const ids = readKnown(() => asArray(d.props.volumeIds).map(asText), unknowns) ?? [];
    if (volumeId !== undefined && ids.includes(volumeId)) found.add(d);
  }
  return [...found];
}

export function tradingRoles(resources: readonly PolicyResource[], config: TradingRoleConfig): TradingRoles {
  const unread = new UnknownValues();
  const byUrn = new Map<string, string | undefined>();
  const droplets = resources.filter((r) => r.type === DROPLET_TYPE);
  const tagsOf = (d: PolicyResource) =>
    unread.within(`droplet '${d.name}'`, (u) => readKnown(() => asTextArray(d.props.tags), u)) ?? [];
  for (const d of droplets)
    if (tagsOf(d).some((t) => config.tradingTags.includes(t))) byUrn.set(d.urn, undefined);
  // A single-topology host runs both planes by design; its public ports are public-ingress-edge-only's.
  const mark = (d: PolicyResource, reason: string) => {
    if (byUrn.has(d.urn) || tagsOf(d).some((t) => config.singleHostTags.includes(t))) return;
    byUrn.set(d.urn, reason);
  };
  for (const c of resources.filter((r) => r.type === CONTAINER_TYPE)) {
    unread.within(`container '${c.name}'`, (unknowns) => {
      const name = readKnown(() => asText(c.props.name), unknowns) ?? "";
      const image = readKnown(() => asText(c.props.image), unknowns) ?? "";
      const workload =
        matchesWorkload(name, config.tradingWorkloads) ??
        matchesWorkload(imageBaseName(image), config.tradingWorkloads);
      if (!workload) return;
      const on = containerDroplets(c, resources, unread);
      for (const d of on?.droplets ?? [])
        mark(d, `it runs ${workload} (container '${name || c.name}' via ${on?.via})`);
    });
  }
  for (const v of resources.filter((r) => r.type === VOLUME_TYPE)) {
    const attached = unread.within(`volume '${v.name}'`, (unknowns) =>
      isTitanData(v, config.tradingVolumes, unknowns) ? attachedDroplets(v, resources, unknowns) : [],
    );
    for (const d of attached) mark(d, `the Titan data volume '${v.name}' is attached to it`);
  }
  return { byUrn, unknown: unread };
}
