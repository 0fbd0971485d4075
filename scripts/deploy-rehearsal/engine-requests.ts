// Pure translation of the plan's docker.* inputs into the Docker Engine API calls the provider
// (kreuzwerker/terraform-provider-docker v4.5, inside @pulumi/docker 5.2) makes for them:
// internal/provider/resource_docker_container_funcs.go resourceDockerContainerCreate,
// resource_docker_network_funcs.go and resource_docker_volume.go.

export interface PlanUpload {
  file: string;
  content?: string;
  contentBase64?: string;
  permissions?: string;
  executable?: boolean;
}

/** The container inputs as the engine receives them (camelCase Pulumi names, secrets unwrapped). */
export interface ContainerInputs {
  name: string;
  image: string;
  envs?: string[];
  command?: string[];
  workingDir?: string;
  entrypoints?: string[];
  user?: string;
  labels?: { label: string; value: string }[];
  healthcheck?: {
    tests: string[];
    interval?: string;
    timeout?: string;
    startPeriod?: string;
    retries?: number;
  };
  stopTimeout?: number;
  ports?: { internal: number; external?: number; protocol?: string; ip?: string }[];
  mounts?: { type: string; source?: string; target: string; readOnly?: boolean }[];
  tmpfs?: Record<string, string>;
  capabilities?: { adds?: string[]; drops?: string[] };
  securityOpts?: string[];
  memory?: number;
  memorySwap?: number;
  cgroupParent?: string;
  init?: boolean;
  networkMode?: string;
  networksAdvanced?: { name: string; aliases?: string[] }[];
  ipcMode?: string;
  privileged?: boolean;
  publishAllPorts?: boolean;
  restart?: string;
  readOnly?: boolean;
  logDriver?: string;
  logOpts?: Record<string, string>;
  uploads?: PlanUpload[];
  start?: boolean;
}

export interface EngineCall {
  method: "POST" | "PUT";
  path: string;
  body?: unknown;
}

export interface ContainerPlan {
  name: string;
  create: EngineCall;
  /** After create: leave the default bridge, then join each advanced network. */
  connects: EngineCall[];
  /** One tar per upload, each `PUT /containers/{name}/archive?path=/`. */
  uploads: { file: string; mode: number; content: Buffer }[];
  start: boolean;
  hasHealthcheck: boolean;
}

const MIB = 1024 * 1024;

/** Go's time.ParseDuration for the units a healthcheck uses, in nanoseconds (what the API takes). */
export function durationNs(text: string): number {
  const units: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text)
    throw new Error(
      `healthcheck duration '${text}' is not a Go duration (e.g. 15s). Fix: use <n>s, <n>m or <n>h`,
    );
  return parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] as string] as number), 0);
}

/** The upload's file mode as the provider computes it: permissions (octal), else 0744/0644. */
export function uploadMode(u: PlanUpload): number {
  if (u.permissions) return Number.parseInt(u.permissions, 8);
  return u.executable ? 0o744 : 0o644;
}

export function networkCreateBody(inputs: {
  name: string;
  driver?: string;
  internal?: boolean;
  attachable?: boolean;
}) {
  return {
    Name: inputs.name,
    CheckDuplicate: true,
    Driver: inputs.driver ?? "bridge",
    Internal: inputs.internal ?? false,
    Attachable: inputs.attachable ?? false,
  };
}

export const volumeCreateBody = (inputs: { name: string }) => ({ Name: inputs.name });

/**
 * The calls for one container. `image` replaces the plan's digest reference with the local tag
 * of its stand-in; `bindSource` maps a host path into the rehearsal's own directory.
 */
/**
 * Every container input this translation knows: mapped to the Engine API below, or (wait,
 * waitTimeout, mustRun) acted on by the provider around those calls. An input outside it would be
 * silently dropped and the rehearsal would prove a container the plan does not describe.
 */
const KNOWN_INPUTS: ReadonlySet<string> = new Set<keyof ContainerInputs | "wait" | "waitTimeout" | "mustRun">(
  [
    "name",
    "image",
    "envs",
    "command",
    "workingDir",
    "entrypoints",
    "user",
    "labels",
    "healthcheck",
    "stopTimeout",
    "ports",
    "mounts",
    "tmpfs",
    "capabilities",
    "securityOpts",
    "memory",
    "memorySwap",
    "cgroupParent",
    "init",
    "networkMode",
    "networksAdvanced",
    "ipcMode",
    "privileged",
    "publishAllPorts",
    "restart",
    "readOnly",
    "logDriver",
    "logOpts",
    "uploads",
    "start",
    "wait",
    "waitTimeout",
    "mustRun",
  ],
);

export function containerPlan(
  c: ContainerInputs,
  map: { image: string; bindSource: (hostPath: string) => string },
): ContainerPlan {
  const unknown = Object.keys(c).filter((k) => !KNOWN_INPUTS.has(k));
  if (unknown.length > 0)
    throw new Error(
      `container ${c.name}: input(s) ${unknown.join(", ")} are not translated to Engine API calls. Fix: map them in scripts/deploy-rehearsal/engine-requests.ts as the provider does`,
    );
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of c.ports ?? []) {
    const key = `${p.internal}/${p.protocol ?? "tcp"}`;
    exposed[key] = {};
    const binding = { HostIp: p.ip ?? "", HostPort: p.external ? String(p.external) : "" };
    bindings[key] = [...(bindings[key] ?? []), binding];
  }
  const hc = c.healthcheck;
  const config: Record<string, unknown> = {
    Image: map.image,
    Hostname: "",
    Domainname: "",
    Tty: false,
    OpenStdin: false,
    StopSignal: "",
    ...(c.stopTimeout !== undefined ? { StopTimeout: c.stopTimeout } : {}),
    ...(c.envs?.length ? { Env: [...c.envs] } : {}),
    ...(c.command?.length ? { Cmd: [...c.command] } : {}),
    ...(c.entrypoints?.length ? { Entrypoint: [...c.entrypoints] } : {}),
    // kreuzwerker v4.5 resourceDockerContainerCreate: working_dir becomes Config.WorkingDir.
    ...(c.workingDir ? { WorkingDir: c.workingDir } : {}),
    ...(c.user ? { User: c.user } : {}),
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    ...(c.labels?.length ? { Labels: Object.fromEntries(c.labels.map((l) => [l.label, l.value])) } : {}),
    ...(hc
      ? {
          Healthcheck: {
            Test: [...hc.tests],
            ...(hc.interval ? { Interval: durationNs(hc.interval) } : {}),
            ...(hc.timeout ? { Timeout: durationNs(hc.timeout) } : {}),
            ...(hc.startPeriod ? { StartPeriod: durationNs(hc.startPeriod) } : {}),
            ...(hc.retries ? { Retries: hc.retries } : {}),
          },
        }
      : {}),
  };
  const hostConfig: Record<string, unknown> = {
    Privileged: c.privileged ?? false,
    PublishAllPorts: c.publishAllPorts ?? false,
    RestartPolicy: { Name: c.restart ?? "no", MaximumRetryCount: 0 },
    Mounts: (c.mounts ?? []).map((m) => ({
      Type: m.type,
      Target: m.target,
      Source: m.type === "bind" && m.source ? map.bindSource(m.source) : (m.source ?? ""),
      ReadOnly: m.readOnly ?? false,
    })),
    AutoRemove: false,
    ReadonlyRootfs: c.readOnly ?? false,
    LogConfig: { Type: c.logDriver ?? "json-file", ...(c.logOpts ? { Config: { ...c.logOpts } } : {}) },
    ...(c.tmpfs && Object.keys(c.tmpfs).length ? { Tmpfs: { ...c.tmpfs } } : {}),
    ...(Object.keys(bindings).length ? { PortBindings: bindings } : {}),
    ...(c.capabilities
      ? { CapAdd: [...(c.capabilities.adds ?? [])], CapDrop: [...(c.capabilities.drops ?? [])] }
      : {}),
    ...(c.securityOpts?.length ? { SecurityOpt: [...c.securityOpts] } : {}),
    ...(c.memory ? { Memory: c.memory * MIB } : {}),
    ...(c.memorySwap ? { MemorySwap: c.memorySwap > 0 ? c.memorySwap * MIB : c.memorySwap } : {}),
    ...(c.networkMode ? { NetworkMode: c.networkMode } : {}),
    ...(c.ipcMode ? { IpcMode: c.ipcMode } : {}),
    ...(c.cgroupParent ? { CgroupParent: c.cgroupParent } : {}),
    Init: c.init ?? false,
  };
  const name = encodeURIComponent(c.name);
  const connects: EngineCall[] = c.networksAdvanced?.length
    ? [
        { method: "POST", path: `/networks/bridge/disconnect`, body: { Container: c.name, Force: false } },
        ...c.networksAdvanced.map(
          (n): EngineCall => ({
            method: "POST",
            path: `/networks/${encodeURIComponent(n.name)}/connect`,
            body: { Container: c.name, EndpointConfig: { Aliases: [...(n.aliases ?? [])], IPAMConfig: {} } },
          }),
        ),
      ]
    : [];
  return {
    name: c.name,
    create: {
      method: "POST",
      path: `/containers/create?name=${name}`,
      body: { ...config, HostConfig: hostConfig, NetworkingConfig: {} },
    },
    connects,
    uploads: (c.uploads ?? []).map((u) => ({
      file: u.file,
      mode: uploadMode(u),
      content:
        u.contentBase64 !== undefined && u.contentBase64 !== ""
          ? Buffer.from(u.contentBase64, "base64")
          : Buffer.from(u.content ?? ""),
    })),
    start: c.start ?? true,
    hasHealthcheck: Boolean(hc?.tests.length),
  };
}

/** The archive path the provider always uploads to (dstPath := "/"). */
export const uploadPath = (container: string) =>
  `/containers/${encodeURIComponent(container)}/archive?path=${encodeURIComponent("/")}`;
