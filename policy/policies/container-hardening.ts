import * as path from "node:path";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { numberList, stringList, withDefaults } from "../lib/config";
import {
  CONTAINER_TYPE,
  containerName,
  describePublished,
  publishedPorts,
  touchedPorts,
} from "../lib/docker";
import { resourceLabel } from "../lib/firewall";
import { asRecord, asRecordArray, asText, asTextArray } from "../lib/props";
import { DEFAULT_PROTECTED_PORTS } from "./no-public-protected-ports";

interface Config {
  proxyContainers: string[];
  protectedPorts: number[];
  sensitiveHostPaths: string[];
}

const DEFAULTS: Config = {
  proxyContainers: ["traefik"],
  protectedPorts: [...DEFAULT_PROTECTED_PORTS],
  sensitiveHostPaths: [
    "/",
    "/etc",
    "/root",
    "/var/run",
    "/run",
    "/proc",
    "/sys",
    "/boot",
    "/dev",
    "/var/lib/docker",
    "/home",
  ],
};
const PROXY_PUBLIC_PORTS = [80, 443];
const HOST_NAMESPACE_FIELDS = ["networkMode", "pidMode", "ipcMode", "usernsMode", "utsMode"] as const;

function normalisePath(raw: string): string {
  const normalised = path.posix.normalize(raw.trim());
  return normalised.length > 1 ? normalised.replace(/\/+$/, "") : normalised;
}

/** "/" is sensitive only as itself; every other listed directory is sensitive with its contents. */
export function isSensitiveHostPath(raw: string, sensitive: readonly string[]): boolean {
  const hostPath = normalisePath(raw);
  if (hostPath.includes("docker.sock")) return true;
  return sensitive.some((entry) => {
    const dir = normalisePath(entry);
    return hostPath === dir || (dir !== "/" && hostPath.startsWith(`${dir}/`));
  });
}

function hostMounts(props: Record<string, unknown>): string[] {
  const fromVolumes = asRecordArray(props.volumes).map((v) => asText(v.hostPath));
  // Named volumes are safe; anything that is a host path (or names the socket) is judged, whatever
  // mount type it claims.
  const fromMounts = asRecordArray(props.mounts)
    .filter(
      (m) =>
        (asText(m.type) ?? "bind").toLowerCase() === "bind" ||
        /^\/|docker\.sock/.test(asText(m.source) ?? ""),
    )
    .map((m) => asText(m.source));
  return [...fromVolumes, ...fromMounts].filter((p): p is string => p !== undefined && p !== "");
}

function portProblems(props: Record<string, unknown>, isProxy: boolean, config: Config): string[] {
  const problems: string[] = [];
  for (const port of publishedPorts(props)) {
    if (!port.isPublic) continue;
    const where = describePublished(port);
    const protectedHit = touchedPorts(port).filter((p) => config.protectedPorts.includes(p));
    if (protectedHit.length > 0) {
      problems.push(
        `publishes protected port ${protectedHit.join("/")} on public address (${where}). Fix: bind it to 127.0.0.1 or the private VPC address`,
      );
    } else if (!isProxy) {
      problems.push(
        `publishes ${where} on a public address, which only the proxy may do. Fix: bind it to loopback or the VPC address`,
      );
    } else if (port.external === undefined || !PROXY_PUBLIC_PORTS.includes(port.external)) {
      problems.push(`proxy publishes ${where} publicly. Fix: the proxy may publish only 80 and 443`);
    }
  }
  return problems;
}

function isolationProblems(props: Record<string, unknown>, config: Config): string[] {
  const problems: string[] = [];
  if (props.privileged === true) problems.push("runs privileged. Fix: remove privileged: true");
  for (const field of HOST_NAMESPACE_FIELDS) {
    if ((asText(props[field]) ?? "").toLowerCase() === "host") {
      problems.push(`uses the host namespace (${field}: host). Fix: use the default or a bridge network`);
    }
  }
  for (const hostPath of hostMounts(props)) {
    if (isSensitiveHostPath(hostPath, config.sensitiveHostPaths)) {
      problems.push(
        `mounts sensitive host path ${hostPath} (Docker socket or system directory). Fix: use a named volume or a file upload`,
      );
    }
  }
  const securityOpts = asTextArray(props.securityOpts).map((o) => o.toLowerCase().replace(/\s+/g, ""));
  const noNewPrivileges = securityOpts.some((o) =>
    ["no-new-privileges", "no-new-privileges:true", "no-new-privileges=true"].includes(o),
  );
  if (!noNewPrivileges)
    problems.push('lacks securityOpts "no-new-privileges:true". Fix: add it to securityOpts');
  const drops = asTextArray(asRecord(props.capabilities).drops).map((c) => c.toUpperCase());
  if (!drops.includes("ALL"))
    problems.push(
      'does not drop all capabilities. Fix: set capabilities.drops: ["ALL"] and add back only what it needs',
    );
  return problems;
}

export const containerHardening: ResourceValidationPolicy = {
  name: "container-hardening",
  description:
    "Containers publish internal ports only on loopback or private addresses (only the proxy publishes publicly, and only 80/443), never run privileged or in host namespaces, never mount the Docker socket or system paths, set no-new-privileges and drop all capabilities.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      proxyContainers: stringList(
        "Container names allowed to publish 80/443 publicly.",
        DEFAULTS.proxyContainers,
      ),
      protectedPorts: numberList("Ports that must never be published publicly.", DEFAULTS.protectedPorts),
      sensitiveHostPaths: stringList("Host paths no container may mount.", DEFAULTS.sensitiveHostPaths),
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== CONTAINER_TYPE) return;
    const config = withDefaults(DEFAULTS, args.getConfig());
    const name = containerName(args.props, args.name);
    const isProxy = config.proxyContainers.includes(name);
    const problems = [...portProblems(args.props, isProxy, config), ...isolationProblems(args.props, config)];
    for (const problem of problems) {
      reportViolation(`Container ${resourceLabel(name, args.urn)} ${problem}.`);
    }
  },
};
