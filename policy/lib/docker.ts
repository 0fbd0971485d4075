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
