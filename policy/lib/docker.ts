import * as path from "node:path";
import { isPublicSource } from "./net";
import { asArray, asNumber, asRecordArray, asText, type PropertyBag } from "./props";

export const CONTAINER_TYPE = "docker:index/container:Container";
export const REMOTE_IMAGE_TYPE = "docker:index/remoteImage:RemoteImage";

export interface PublishedPort {
  readonly internal: number | undefined;
  readonly external: number | undefined;
  /** Host address the port is bound to; @pulumi/docker uses 0.0.0.0 when `ip` is left out. */
  readonly ip: string;
  readonly isPublic: boolean;
}

export function publishedPorts(props: PropertyBag): PublishedPort[] {
  return asRecordArray(props.ports).map((port) => {
    const ip = asText(port.ip) || "0.0.0.0";
    return {
      internal: asNumber(port.internal),
      external: asNumber(port.external),
      ip,
      isPublic: isPublicSource(ip),
    };
  });
}

/** The host port a mapping exposes (Docker picks a random one when external is absent). */
export function describePublished(port: PublishedPort): string {
  const host = port.external === undefined ? "random host port" : String(port.external);
  const ip = port.ip.includes(":") ? `[${port.ip}]` : port.ip;
  return `${ip}:${host}->${port.internal ?? "?"}`;
}

/** Ports a mapping makes reachable: the host port and the container port it leads to. */
export function touchedPorts(port: PublishedPort): number[] {
  return [...new Set([port.internal, port.external].filter((p): p is number => p !== undefined))];
}

export function containerName(props: PropertyBag, fallback: string): string {
  return asText(props.name) || fallback;
}

export interface Upload {
  readonly file: string;
  readonly content: string;
}

/** Files uploaded into the container, with base64 content decoded. */
export function containerUploads(props: PropertyBag): Upload[] {
  return asRecordArray(props.uploads).map((upload) => {
    const file = asText(upload.file) ?? "";
    if (typeof upload.content === "string") return { file, content: upload.content };
    const b64 = typeof upload.contentBase64 === "string" ? upload.contentBase64 : "";
    return { file, content: Buffer.from(b64, "base64").toString("utf8") };
  });
}

export function containerCommand(props: PropertyBag): string[] {
  return asArray(props.command)
    .map(asText)
    .filter((s): s is string => s !== undefined);
}

/** false only when plainly false: `"true"`, `1`, `"yes"` or anything unreadable counts as set (fail closed). */
export function flagSet(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0) return false;
  if (typeof value === "string" && ["false", "0", "no", ""].includes(value.trim().toLowerCase()))
    return false;
  return true;
}

/**
 * A config carrier: created (so the Docker archive upload has a filesystem to write the service's
 * config into its volume) but never started, with no network, ports or env.
 */
export function isConfigCarrier(props: PropertyBag): boolean {
  return (
    props.start === false &&
    props.mustRun === false &&
    (asText(props.networkMode) ?? "") === "none" &&
    asArray(props.ports).length === 0 &&
    asArray(props.envs).length === 0 &&
    asArray(props.networksAdvanced).length === 0 &&
    !flagSet(props.publishAllPorts)
  );
}

/** Named-volume mounts: volume name → mount target. */
function volumeTargets(props: PropertyBag): { volume: string; target: string }[] {
  const fromMounts = asRecordArray(props.mounts)
    .filter((m) => (asText(m.type) ?? "").toLowerCase() === "volume")
    .map((m) => ({ volume: asText(m.source) ?? "", target: asText(m.target) ?? "" }));
  const fromVolumes = asRecordArray(props.volumes).map((v) => ({
    volume: asText(v.volumeName) ?? "",
    target: asText(v.containerPath) ?? "",
  }));
  return [...fromMounts, ...fromVolumes].filter((m) => m.volume !== "" && m.target.startsWith("/"));
}

function inside(file: string, dir: string): string | undefined {
  const f = path.posix.resolve("/", file);
  const d = path.posix.resolve("/", dir);
  if (f === d) return undefined;
  return f.startsWith(d === "/" ? "/" : `${d}/`) ? path.posix.relative(d, f) : undefined;
}

/**
 * The files a container sees: its own uploads, and every file another container (a config carrier)
 * uploaded into a named volume this container mounts, at the path it appears under here.
 */
export function effectiveUploads(props: PropertyBag, others: readonly PropertyBag[]): Upload[] {
  const own = containerUploads(props);
  const mine = volumeTargets(props);
  const carried: Upload[] = [];
  for (const other of others) {
    if (other === props) continue;
    const theirs = volumeTargets(other);
    for (const upload of containerUploads(other)) {
      for (const { volume, target } of theirs) {
        const relative = inside(upload.file, target);
        if (relative === undefined) continue;
        for (const here of mine.filter((m) => m.volume === volume)) {
          carried.push({ file: path.posix.join(here.target, relative), content: upload.content });
        }
      }
    }
  }
  return [...own, ...carried];
}
