import * as path from "node:path";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { numberList, stringList, withDefaults } from "../lib/config";
import {
  CONTAINER_TYPE,
  containerName,
  describePublished,
  flagSet,
  isConfigCarrier,
  publishedPorts,
  touchedPorts,
} from "../lib/docker";
import { resourceLabel } from "../lib/firewall";
import { asArray, asRecord, asRecordArray, asText, asTextArray } from "../lib/props";
import { DEFAULT_PROTECTED_PORTS } from "./no-public-protected-ports";

interface Config {
  proxyContainers: string[];
  proxyImages: string[];
  protectedPorts: number[];
  sensitiveHostPaths: string[];
  allowedCapabilities: string[];
}

const DEFAULTS: Config = {
  proxyContainers: ["traefik"],
  proxyImages: ["traefik"],
  // What postgres/redis need to switch to their own user, and what Traefik needs to bind 80/443.
  allowedCapabilities: ["CHOWN", "SETUID", "SETGID", "FOWNER", "DAC_OVERRIDE", "NET_BIND_SERVICE"],
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
    // Programs and schedules the host runs as root: a writable bind plants code there.
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/var/spool",
  ],
};
const PROXY_PUBLIC_PORTS = [80, 443];
const HOST_NAMESPACE_FIELDS = [
  "networkMode",
  "pidMode",
  "ipcMode",
  "usernsMode",
  "utsMode",
  "cgroupnsMode",
] as const;

export { isConfigCarrier };
export const VOLUME_TYPE = "docker:index/volume:Volume";

function normalisePath(raw: string): string {
  const normalised = path.posix.normalize(raw.trim());
  return normalised.length > 1 ? normalised.replace(/\/+$/, "") : normalised;
}

/**
 * A listed directory is sensitive with its contents; a parent of one (`/var` holds `/var/run` and
 * `/var/lib/docker`) is sensitive too, since it reaches it. "/" is sensitive only as itself (and
 * as every path's parent). Relative paths, `~`, and variables cannot be placed: sensitive.
 */
export function isSensitiveHostPath(raw: string, sensitive: readonly string[]): boolean {
  const hostPath = normalisePath(raw);
  if (hostPath.includes("docker.sock")) return true;
  if (!hostPath.startsWith("/") || /[$~]/.test(hostPath)) return true;
  return sensitive.some((entry) => {
    const dir = normalisePath(entry);
    if (hostPath === dir) return true;
    if (dir !== "/" && hostPath.startsWith(`${dir}/`)) return true;
    return hostPath === "/" || dir.startsWith(`${hostPath}/`);
  });
}

/** Host paths a Docker volume's local driver options bind (`type: none, o: bind, device: /etc`). */
export function driverOptionPaths(options: unknown): string[] {
  const opts = asRecord(options);
  const device = asText(opts.device);
  const o = (asText(opts.o) ?? "").toLowerCase();
  const paths: string[] = [];
  if (device !== undefined && device !== "") paths.push(device);
  // An `o` that binds with no device, or names one itself, is read the same way.
  for (const m of o.matchAll(/(?:^|,)\s*(?:device|source|src)=([^,]+)/g)) paths.push(m[1] as string);
  return paths;
}

function hostMounts(props: Record<string, unknown>): string[] {
  const fromVolumes = asRecordArray(props.volumes).map((v) => asText(v.hostPath));
  const fromVolumeOptions = asRecordArray(props.mounts).flatMap((m) =>
    driverOptionPaths(asRecord(m.volumeOptions).driverOptions),
  );
  // Named volumes are safe; anything that is a host path (or names the socket) is judged, whatever
  // mount type it claims.
  const fromMounts = asRecordArray(props.mounts)
    .filter(
      (m) =>
        (asText(m.type) ?? "bind").toLowerCase() === "bind" ||
        /^\/|docker\.sock/.test(asText(m.source) ?? ""),
    )
    .map((m) => asText(m.source));
  return [...fromVolumes, ...fromMounts, ...fromVolumeOptions].filter(
    (p): p is string => p !== undefined && p !== "",
  );
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

/** Docker applies security options in order: the last `no-new-privileges` decides. */
function noNewPrivileges(options: string[]): boolean {
  let on = false;
  for (const o of options) {
    const m = /^no-new-privileges(?:[:=](.*))?$/.exec(o);
    if (m) on = m[1] === undefined || m[1] === "true";
  }
  return on;
}

const normaliseCapability = (c: string) => c.toUpperCase().replace(/^CAP_/, "");

function isolationProblems(props: Record<string, unknown>, config: Config): string[] {
  const problems: string[] = [];
  if (flagSet(props.privileged)) problems.push("runs privileged. Fix: remove privileged: true");
  if (flagSet(props.publishAllPorts))
    problems.push(
      "publishes every exposed port on 0.0.0.0 (publishAllPorts). Fix: set publishAllPorts: false and list ports with an ip",
    );
  for (const field of HOST_NAMESPACE_FIELDS) {
    if ((asText(props[field]) ?? "").toLowerCase() === "host") {
      problems.push(`uses the host namespace (${field}: host). Fix: use the default or a bridge network`);
    }
  }
  const devices = asArray(props.devices);
  if (devices.length > 0) {
    const paths = asRecordArray(props.devices).map((d) => asText(d.hostPath) ?? "?");
    problems.push(
      `is given host devices (${paths.join(", ") || "unreadable devices"}). Fix: remove devices; no Titan service needs one`,
    );
  }
  for (const hostPath of hostMounts(props)) {
    if (isSensitiveHostPath(hostPath, config.sensitiveHostPaths)) {
      problems.push(
        `mounts sensitive host path ${hostPath} (Docker socket or system directory). Fix: use a named volume or a file upload`,
      );
    }
  }
  const securityOpts = asTextArray(props.securityOpts).map((o) => o.toLowerCase().replace(/\s+/g, ""));
  if (!noNewPrivileges(securityOpts))
    problems.push('lacks securityOpts "no-new-privileges:true". Fix: add it to securityOpts');
  for (const o of securityOpts) {
    if (
      /^(seccomp|apparmor)[:=]unconfined$/.test(o) ||
      // Docker reads a bare "disable" as label=disable (moby parseSecurityOpt).
      /^(label[:=])?disable$/.test(o) ||
      /^systempaths[:=]unconfined$/.test(o)
    )
      problems.push(
        `disables a kernel confinement (securityOpts "${o}"). Fix: remove it; keep Docker's default profile`,
      );
  }
  const capabilities = asRecord(props.capabilities);
  const drops = asTextArray(capabilities.drops).map(normaliseCapability);
  if (!drops.includes("ALL"))
    problems.push(
      'does not drop all capabilities. Fix: set capabilities.drops: ["ALL"] and add back only what it needs',
    );
  const allowed = config.allowedCapabilities.map(normaliseCapability);
  const added = asArray(capabilities.adds).map((c) =>
    typeof c === "string" ? normaliseCapability(c.trim()) : String(c),
  );
  const extra = added.filter((c) => !allowed.includes(c));
  if (extra.length > 0)
    problems.push(
      `adds back capabilities ${extra.join(", ")} (allowed: ${allowed.join(", ")}). Fix: remove them from capabilities.adds`,
    );
  if (props.readOnly !== true && !isConfigCarrier(props))
    problems.push(
      "has a writable root filesystem (readOnly is not true). Fix: set readOnly: true and mount a volume or tmpfs where it writes; only a never-started config carrier (start: false, mustRun: false, networkMode none, no ports, no env) may keep it writable",
    );
  return problems;
}

/**
 * The proxy is what it runs, not what it is called: a listed name, a Traefik image, and Traefik's
 * own entrypoint (no `entrypoints`, and a command that is Traefik flags, not another program).
 */
export function isProxyContainer(props: Record<string, unknown>, name: string, config: Config): boolean {
  if (!config.proxyContainers.includes(name)) return false;
  const image = (asText(props.image) ?? "").toLowerCase();
  const repository = image.split("@")[0]?.replace(/:[^/]*$/, "") ?? "";
  const base = repository.split("/").at(-1) ?? "";
  if (!config.proxyImages.map((i) => i.toLowerCase()).includes(base)) return false;
  if (asArray(props.entrypoints).length > 0) return false;
  const command = asArray(props.command);
  const first = command[0];
  return first === undefined || (typeof first === "string" && (first.startsWith("-") || first === "traefik"));
}

function volumeProblems(props: Record<string, unknown>, config: Config): string[] {
  return driverOptionPaths(props.driverOpts)
    .filter((p) => isSensitiveHostPath(p, config.sensitiveHostPaths))
    .map(
      (p) =>
        `binds sensitive host path ${p} through driverOpts (Docker socket, a system directory or a parent of one). Fix: a plain named volume, no device`,
    );
}

export const containerHardening: ResourceValidationPolicy = {
  name: "container-hardening",
  description:
    "Containers publish internal ports only on loopback or private addresses (only the proxy publishes publicly, and only 80/443), never run privileged, with devices or in host namespaces, never mount the Docker socket, system paths or their parents (directly or through volume driver options), keep no-new-privileges and Docker's seccomp/AppArmor profiles, drop all capabilities and add back only allowed ones, and run with a read-only root (config carriers excepted).",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: {
      proxyContainers: stringList(
        "Container names allowed to publish 80/443 publicly (when they also run a proxy image).",
        DEFAULTS.proxyContainers,
      ),
      proxyImages: stringList(
        "Image repositories (last path segment) that are the proxy.",
        DEFAULTS.proxyImages,
      ),
      allowedCapabilities: stringList(
        "Capabilities a container may add back after dropping ALL.",
        DEFAULTS.allowedCapabilities,
      ),
      protectedPorts: numberList("Ports that must never be published publicly.", DEFAULTS.protectedPorts),
      sensitiveHostPaths: stringList("Host paths no container may mount.", DEFAULTS.sensitiveHostPaths),
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type === VOLUME_TYPE) {
      const config = withDefaults(DEFAULTS, args.getConfig());
      const name = asText(args.props.name) || args.name;
      for (const problem of volumeProblems(args.props, config))
        reportViolation(`Volume ${resourceLabel(name, args.urn)} ${problem}.`);
      return;
    }
    if (args.type !== CONTAINER_TYPE) return;
    const config = withDefaults(DEFAULTS, args.getConfig());
    const name = containerName(args.props, args.name);
    const isProxy = isProxyContainer(args.props, name, config);
    const problems = [...portProblems(args.props, isProxy, config), ...isolationProblems(args.props, config)];
    for (const problem of problems) {
      reportViolation(`Container ${resourceLabel(name, args.urn)} ${problem}.`);
    }
  },
};
