// The service table (DESIGN.md §1–§2): one entry per container, the single source for placement,
// networks, ports, healthchecks and resource limits. Pure data; components turn it into Docker.
import type { OptionalService } from "../config/keys";
import type { ImageSource } from "./images";
import {
  AI_QUANT_DATA_DIR,
  BRAIN_DATA_DIR,
  EXECUTION_STATE_DIR,
  GATEWAY_CONFIG_DIR,
  HOST_DATA,
  NATS_CONFIG_DIR,
  NATS_JETSTREAM_DIR,
  POWERLAW_DATA_DIR,
  REDIS_CONFIG_DIR,
  TITAN_TLS_DIR,
  TITAN_WORKDIR,
  TRAEFIK_ACME_DIR,
  TRAEFIK_CONFIG_DIR,
} from "./paths";
import { PORTS } from "./ports";
import { PLANES_OF_ROLE, type Plane, type Role, TOPOLOGIES, type Topology } from "./topology";

/**
 * Per-tier Docker networks. `edge`: traefik and the console (and the gateway in single). `bus`:
 * NATS and its clients. `api`: the TLS gateway and what it forwards to (brain, console-api).
 * `data`: postgres and redis, internal (no egress).
 */
export const NETWORK_NAMES = ["edge", "bus", "api", "data"] as const;
export type NetworkName = (typeof NETWORK_NAMES)[number];
export const INTERNAL_NETWORKS: readonly NetworkName[] = ["data"];

export const CONTAINER_NAMES = [
  "traefik",
  "titan-console",
  "titan-console-api",
  "nats",
  "titan-brain",
  "titan-execution",
  "titan-scavenger",
  "titan-hunter",
  "titan-sentinel",
  "titan-ai-quant",
  "titan-powerlaw-lab",
  "postgres",
  "redis",
  "brain-gateway",
] as const;
export type ContainerName = (typeof CONTAINER_NAMES)[number];

/** A host directory bind-mounted into the container (state on the data volume). */
export interface DataMount {
  hostPath: string;
  containerPath: string;
}

export interface ServiceSpec {
  name: ContainerName;
  image: ImageSource;
  plane: Plane;
  /** Topologies that run this container. */
  topologies: readonly Topology[];
  networks: Readonly<Record<Topology, readonly NetworkName[]>>;
  /** The port the service listens on inside the container (the first one); none for powerlaw-lab. */
  port?: number;
  /** Health start period in seconds: Titan's Dockerfile HEALTHCHECK (brain: 480), else 30. */
  startPeriodSeconds?: number;
  /** Deployed only when listed in `titan:services` (Titan's CI publishes no image for it). */
  optional?: OptionalService;
  /** Docker healthcheck `test`, using a tool the image ships (DESIGN.md §1 health column). */
  healthcheck: readonly string[];
  memoryMb: number;
  /**
   * Process limit. @pulumi/docker 5.2 has no pids_limit input, and an nproc ulimit counts per UID
   * across the host (Titan images share uid 1001), so it is enforced by a systemd slice per
   * container (TasksMax, written by cloud-init) that the container's cgroup lives under.
   */
  pidsLimit: number;
  readOnlyRootFs: boolean;
  /** tmpfs mounts (path → options) for what a read-only image still writes. */
  tmpfs: Readonly<Record<string, string>>;
  /** Capabilities added after dropping ALL. */
  capAdd: readonly string[];
  /** The one directory that receives uploaded config and TLS files (a Docker volume). */
  configDir?: string;
  dataMounts: readonly DataMount[];
  /** Named Docker volumes (name suffix → container path) for state that is not on the data volume. */
  namedVolumes: Readonly<Record<string, string>>;
  command?: readonly string[];
  /** The process's working directory, where the image's own is not writable but the service writes there. */
  workingDir?: string;
  /** `uid:gid` for an image that would run as root (no USER in its Dockerfile). */
  user?: string;
}

const BOTH: readonly Topology[] = TOPOLOGIES;
const same = (...n: NetworkName[]): Record<Topology, readonly NetworkName[]> => ({ split: n, single: n });
const titan = (image: string): ImageSource => ({ kind: "titan", image });
/** Node images have node but not necessarily curl or wget: probe with node's fetch. */
const nodeHealth = (port: number): string[] => [
  "CMD",
  "node",
  "-e",
  `fetch('http://127.0.0.1:${port}/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
];
const TMP = "rw,noexec,nosuid,size=64m";
const small = { tmpfs: { "/tmp": TMP } };
/**
 * Titan images whose final stage has no USER, so they would run as root (Titan
 * services/titan-phase2-hunter/Dockerfile:31-54, titan-phase3-sentinel/Dockerfile:27-51,
 * titan-console-api/Dockerfile:28-50; data/titan-runtime-writes.json "images"). They run as the
 * uid the other Titan images use: everything they write is on a tmpfs (mode 1777) and their image
 * files are world-readable.
 */
const ROOT_IMAGES: readonly string[] = ["titan-hunter", "titan-sentinel", "titan-console-api"];
const TITAN_USER = "1001:1001";
/**
 * Titan's shared ConfigManager (packages/shared/src/ConfigManager.ts:129,145) creates
 * `./config/.history` under the working directory in its constructor, uncaught
 * (config/ConfigVersionHistory.ts:90-92), and the phase adapters save their defaults to
 * `./config/<phase>.config.json` at start: on a read-only root every node service that builds it
 * exits before it listens. Scratch: the stack configures through env, and the images ship no
 * `config/` directory that a tmpfs would hide (data/titan-runtime-writes.json).
 */
const configScratch = (workdir: string): Record<string, string> => ({
  [`${workdir}/config`]: "rw,noexec,nosuid,size=8m",
});

export const SERVICES: readonly ServiceSpec[] = [
  {
    name: "traefik",
    image: { kind: "third-party", repository: "traefik", tagKey: "traefik" },
    plane: "edge",
    topologies: BOTH,
    networks: same("edge"),
    port: PORTS.https,
    // Needs `ping: {}` in the static config (the traefik builder enables it).
    healthcheck: ["CMD", "traefik", "healthcheck", "--ping"],
    memoryMb: 256,
    pidsLimit: 256,
    readOnlyRootFs: true,
    ...small,
    capAdd: ["NET_BIND_SERVICE"],
    configDir: TRAEFIK_CONFIG_DIR,
    dataMounts: [],
    namedVolumes: { acme: TRAEFIK_ACME_DIR },
  },
  {
    name: "titan-console",
    image: titan("titan-console"),
    plane: "edge",
    topologies: BOTH,
    networks: same("edge"),
    port: PORTS.console,
    healthcheck: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${PORTS.console}/health`],
    memoryMb: 128,
    pidsLimit: 128,
    readOnlyRootFs: true,
    // FROM nginx:alpine (Titan apps/titan-console/Dockerfile): the master runs as root with
    // `user nginx`, writes its pid to /var/run/nginx.pid and creates the temp dirs under
    // /var/cache/nginx at start, chowning them to nginx (CHOWN); workers drop to nginx
    // (SETGID, SETUID). Nothing else is written; no DAC_OVERRIDE needed (the deploy rehearsal
    // runs nginx this way).
    tmpfs: {
      "/tmp": "rw,noexec,nosuid,size=16m",
      "/var/cache/nginx": "rw,noexec,nosuid,size=16m",
      "/var/run": "rw,noexec,nosuid,size=1m",
    },
    capAdd: ["CHOWN", "SETGID", "SETUID"],
    dataMounts: [],
    namedVolumes: {},
  },
  {
    name: "titan-console-api",
    // The operator's own build (titan:serviceImages): Titan's CI publishes none.
    image: { kind: "operator", service: "titan-console-api" },
    optional: "titan-console-api",
    // Trading plane: it needs Postgres (DATABASE_URL, never published off the host) and NATS, and
    // holds the credential vault key for exchange credentials.
    plane: "trading",
    topologies: BOTH,
    // api: the brain gateway forwards the console's credential routes to it.
    networks: same("bus", "data", "api"),
    port: PORTS.consoleApi,
    healthcheck: nodeHealth(PORTS.consoleApi),
    memoryMb: 512,
    pidsLimit: 256,
    readOnlyRootFs: true,
    ...small,
    capAdd: [],
    configDir: TITAN_TLS_DIR,
    dataMounts: [],
    namedVolumes: {},
    user: TITAN_USER,
  },
  {
    name: "nats",
    image: { kind: "third-party", repository: "nats", tagKey: "nats" },
    plane: "trading",
    topologies: BOTH,
    networks: same("bus"),
    port: PORTS.nats,
    // nats:*-alpine ships busybox wget; the monitor listens inside the container.
    healthcheck: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${PORTS.natsMonitor}/healthz`],
    memoryMb: 512,
    pidsLimit: 256,
    readOnlyRootFs: true,
    tmpfs: {},
    capAdd: [],
    configDir: NATS_CONFIG_DIR,
    dataMounts: [{ hostPath: HOST_DATA.jetstream, containerPath: NATS_JETSTREAM_DIR }],
    namedVolumes: {},
    command: ["nats-server", "--config", "/etc/nats/nats.conf"],
  },
  {
    name: "titan-brain",
    image: titan("titan-brain"),
    plane: "trading",
    topologies: BOTH,
    networks: same("bus", "data", "api"),
    port: PORTS.brain,
    // Titan's brain Dockerfile HEALTHCHECK: start period 480 s (migrations and warm-up).
    startPeriodSeconds: 480,
    healthcheck: nodeHealth(PORTS.brain),
    memoryMb: 1024,
    pidsLimit: 512,
    readOnlyRootFs: true,
    tmpfs: { "/tmp": TMP, ...configScratch(TITAN_WORKDIR.brain) },
    capAdd: [],
    configDir: TITAN_TLS_DIR,
    // `data/backups` (a state snapshot every minute, written before the same state goes to
    // Postgres: a failed write skips the database update) and `data/dlq` (fills Postgres refused),
    // both relative to the working directory with no env override
    // (FileSystemBackupService.ts:18-19, StateRecoveryService.ts:150-152, IngestionWorker.ts:86-100).
    dataMounts: [{ hostPath: HOST_DATA.brain, containerPath: BRAIN_DATA_DIR }],
    namedVolumes: {},
  },
  {
    name: "titan-execution",
    image: titan("titan-execution-rs"),
    plane: "trading",
    topologies: BOTH,
    // execution-rs has no Redis client (Titan's contract): no data network. The bus network also
    // gives the egress to the exchanges.
    networks: same("bus"),
    port: PORTS.execution,
    // Its debian-slim runtime installs curl.
    healthcheck: ["CMD", "curl", "-fsS", "-o", "/dev/null", `http://127.0.0.1:${PORTS.execution}/health`],
    memoryMb: 1024,
    pidsLimit: 512,
    readOnlyRootFs: true,
    ...small,
    capAdd: [],
    configDir: TITAN_TLS_DIR,
    // Its order state survives replacement on the data volume (owned by uid 1001, cloud-init).
    dataMounts: [{ hostPath: HOST_DATA.execution, containerPath: EXECUTION_STATE_DIR }],
    namedVolumes: {},
    // execution-rs keeps its HALT flag (`system.halt`) and ARMED interlock (`execution.armed`) as
    // files in its working directory, read at start (Titan src/circuit_breaker.rs:21,
    // src/armed_state.rs:29). The image's is /app, which holds the binary (Dockerfile WORKDIR /app,
    // CMD ./titan-execution-rs): read-only here, so a halt did not survive a restart and every
    // release came back disarmed. Run from the state directory on the data volume instead, the
    // binary by its absolute path.
    workingDir: EXECUTION_STATE_DIR,
    command: ["/app/titan-execution-rs"],
  },
  ...(
    [
      // scavenger: HOME points into /tmp (plain-env), where its credentials directory and trade
      // journal go (CredentialManager.ts:72-86, logging/Logger.ts:31-34).
      [
        "titan-scavenger",
        "titan-phase1-scavenger",
        PORTS.scavenger,
        configScratch(TITAN_WORKDIR.scavenger),
        [],
      ],
      // hunter: its trade journal, the only log it writes when NODE_ENV=production, goes to
      // `./logs/trades.jsonl` (logging/Logger.ts:198-201, 598-602); the write is caught.
      [
        "titan-hunter",
        "titan-phase2-hunter",
        PORTS.hunter,
        {
          ...configScratch(TITAN_WORKDIR.hunter),
          [`${TITAN_WORKDIR.hunter}/logs`]: "rw,noexec,nosuid,size=64m",
        },
        [],
      ],
      ["titan-sentinel", "titan-phase3-sentinel", PORTS.sentinel, configScratch(TITAN_WORKDIR.sentinel), []],
      // ai-quant: `./logs` takes its telemetry log (created in RealTimeOptimizer's constructor),
      // error log and morning briefing (TelemetryService.ts:109,331; ErrorHandler.ts:343,366;
      // NightlyOptimize.ts:76); `./data` its SQLite strategic memory, opened at start
      // (NightlyOptimize.ts:77,84; StrategicMemory.ts:74-84), which must survive.
      [
        "titan-ai-quant",
        "titan-ai-quant",
        PORTS.quant,
        {
          ...configScratch(TITAN_WORKDIR.aiQuant),
          [`${TITAN_WORKDIR.aiQuant}/logs`]: "rw,noexec,nosuid,size=64m",
        },
        [{ hostPath: HOST_DATA.aiQuant, containerPath: AI_QUANT_DATA_DIR }],
      ],
    ] as const
  ).map(
    ([name, image, port, tmpfs, dataMounts]): ServiceSpec => ({
      name,
      image: titan(image),
      plane: "trading",
      topologies: BOTH,
      networks: same("bus"),
      port,
      healthcheck: nodeHealth(port),
      memoryMb: name === "titan-ai-quant" ? 1024 : 512,
      pidsLimit: 256,
      readOnlyRootFs: true,
      tmpfs: { "/tmp": TMP, ...tmpfs },
      capAdd: [],
      configDir: TITAN_TLS_DIR,
      dataMounts,
      namedVolumes: {},
      ...(ROOT_IMAGES.includes(name) ? { user: TITAN_USER } : {}),
    }),
  ),
  {
    name: "titan-powerlaw-lab",
    image: titan("titan-powerlaw-lab"),
    plane: "trading",
    topologies: BOTH,
    networks: same("bus"),
    // No HTTP port: Titan's Dockerfile checks for the node process (start period 10 s). With
    // init, PID 1 is docker-init: look for a process named node, with busybox sh and grep only.
    healthcheck: ["CMD-SHELL", "grep -qsx node /proc/[0-9]*/comm"],
    startPeriodSeconds: 10,
    memoryMb: 512,
    pidsLimit: 256,
    readOnlyRootFs: true,
    ...small,
    capAdd: [],
    configDir: TITAN_TLS_DIR,
    // Its rolling price histories, saved every 60 s and at SIGTERM to a fixed /data (no env
    // override), reloaded at start (src/estimator.ts:37-38,45,58,150-163).
    dataMounts: [{ hostPath: HOST_DATA.powerlaw, containerPath: POWERLAW_DATA_DIR }],
    namedVolumes: {},
  },
  {
    name: "postgres",
    image: { kind: "third-party", repository: "postgres", tagKey: "postgres" },
    plane: "trading",
    topologies: BOTH,
    networks: same("data"),
    port: PORTS.postgres,
    healthcheck: ["CMD", "pg_isready", "-U", "titan", "-h", "127.0.0.1"],
    memoryMb: 1024,
    pidsLimit: 256,
    readOnlyRootFs: true,
    tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m", "/var/run/postgresql": "rw,noexec,nosuid,size=1m" },
    // The entrypoint chowns PGDATA and drops to the postgres user with gosu.
    capAdd: ["CHOWN", "SETUID", "SETGID", "FOWNER", "DAC_OVERRIDE"],
    dataMounts: [{ hostPath: HOST_DATA.postgres, containerPath: "/var/lib/postgresql/data" }],
    namedVolumes: {},
  },
  {
    name: "redis",
    image: { kind: "third-party", repository: "redis", tagKey: "redis" },
    plane: "trading",
    topologies: BOTH,
    networks: same("data"),
    port: PORTS.redis,
    // The password reaches redis-cli through REDISCLI_AUTH read from the uploaded config: never
    // in argv, where `ps` on the host would show it.
    healthcheck: [
      "CMD-SHELL",
      `REDISCLI_AUTH="$(awk '$1=="requirepass"{gsub(/"/,"",$2);print $2}' ${REDIS_CONFIG_DIR}/redis.conf)" redis-cli -h 127.0.0.1 ping | grep -q PONG`,
    ],
    // redis.conf caps the dataset at 256 MiB (maxmemory); the rest is headroom for the process.
    memoryMb: 384,
    pidsLimit: 128,
    readOnlyRootFs: true,
    tmpfs: {},
    // The entrypoint chowns /data and drops to the redis user with gosu.
    capAdd: ["CHOWN", "SETUID", "SETGID"],
    configDir: REDIS_CONFIG_DIR,
    dataMounts: [{ hostPath: HOST_DATA.redis, containerPath: "/data" }],
    namedVolumes: {},
    command: ["redis-server", `${REDIS_CONFIG_DIR}/redis.conf`],
  },
  {
    name: "brain-gateway",
    image: { kind: "third-party", repository: "nginxinc/nginx-unprivileged", tagKey: "nginx" },
    plane: "trading",
    // Both topologies: Traefik reaches brain and console-api only through it, with its client
    // certificate, so the gateway's path list is the one limit in single as in split. In single
    // Traefik reaches it on the edge network (its name, never a published port); in split on the
    // trading droplet's VPC address.
    topologies: BOTH,
    networks: { split: ["api"], single: ["edge", "api"] },
    port: PORTS.brain,
    // TCP probe: the TLS listener asks for a client certificate the probe does not have.
    healthcheck: ["CMD", "nc", "-z", "127.0.0.1", String(PORTS.brain)],
    memoryMb: 64,
    pidsLimit: 64,
    readOnlyRootFs: true,
    tmpfs: { "/tmp": "rw,noexec,nosuid,size=16m" },
    capAdd: [],
    configDir: GATEWAY_CONFIG_DIR,
    dataMounts: [],
    namedVolumes: {},
    command: ["nginx", "-c", `${GATEWAY_CONFIG_DIR}/nginx.conf`, "-g", "daemon off;"],
  },
];

/** The systemd slice that bounds a container's processes; cloud-init defines it on the host. */
export const processSlice = (name: ContainerName): string => `titan-${name}.slice`;

/** The process limits (one slice per container) a droplet of this role must define. */
export function processLimitsFor(topology: Topology, role: Role) {
  // Every service of the topology, optional ones too: a slice costs nothing and lets
  // `titan:services` change without touching user data (which would replace the droplet).
  return SERVICES.filter((s) => s.topologies.includes(topology))
    .filter((s) => PLANES_OF_ROLE[role].includes(s.plane))
    .map((s) => ({ slice: processSlice(s.name), tasksMax: s.pidsLimit }));
}

/**
 * The containers a topology runs, each with the role of the droplet it lands on. Optional
 * services only when listed in `titan:services`.
 */
export function servicesFor(topology: Topology, enabled: readonly OptionalService[] = []): ServiceSpec[] {
  return SERVICES.filter(
    (s) => s.topologies.includes(topology) && (s.optional === undefined || enabled.includes(s.optional)),
  );
}

export function serviceNamed(name: ContainerName): ServiceSpec {
  const spec = SERVICES.find((s) => s.name === name);
  if (!spec) throw new Error(`no service '${name}'`);
  return spec;
}

/** Networks a host needs: the union of its containers' networks. */
export function networksOn(specs: readonly ServiceSpec[], topology: Topology): NetworkName[] {
  const used = new Set(specs.flatMap((s) => s.networks[topology]));
  return NETWORK_NAMES.filter((n) => used.has(n));
}
