// The hardening every container gets, from its service entry. Pure: the component adds image,
// env, ports, networks and uploads, which depend on deploy-time values.
import { createHash } from "node:crypto";
import { processSlice, type ServiceSpec } from "../model/services";

export const LOG_OPTS = { "max-size": "10m", "max-file": "5" } as const;
export const SECURITY_OPTS: readonly string[] = ["no-new-privileges:true"];
export const RESTART_POLICY = "unless-stopped";

export interface HardenedSettings {
  name: string;
  restart: string;
  readOnly: boolean;
  privileged: false;
  capabilities: { drops: string[]; adds: string[] };
  securityOpts: string[];
  logDriver: string;
  logOpts: Record<string, string>;
  memory: number;
  memorySwap: number;
  /** The host slice whose TasksMax is this container's pids limit. */
  cgroupParent: string;
  tmpfs: Record<string, string>;
  healthcheck: { tests: string[]; interval: string; timeout: string; retries: number; startPeriod: string };
  command?: string[];
  workingDir?: string;
  user?: string;
  /** Docker's default stop grace is 10 s; trading services get time to finish in-flight orders. */
  stopTimeout: number;
  /** Runs an init process as PID 1: reaps zombies and forwards signals. */
  init: boolean;
}

export function hardenedSettings(spec: ServiceSpec): HardenedSettings {
  return {
    name: spec.name,
    restart: RESTART_POLICY,
    readOnly: spec.readOnlyRootFs,
    privileged: false,
    capabilities: { drops: ["ALL"], adds: [...spec.capAdd] },
    securityOpts: [...SECURITY_OPTS],
    logDriver: "json-file",
    logOpts: { ...LOG_OPTS },
    memory: spec.memoryMb,
    // Equal to memory: no swap, so a leak ends in an OOM kill and a restart, not a slow host.
    memorySwap: spec.memoryMb,
    cgroupParent: processSlice(spec.name),
    tmpfs: { ...spec.tmpfs },
    healthcheck: {
      tests: [...spec.healthcheck],
      interval: "15s",
      timeout: "5s",
      retries: 4,
      startPeriod: `${spec.startPeriodSeconds ?? 30}s`,
    },
    ...(spec.command ? { command: [...spec.command] } : {}),
    ...(spec.workingDir ? { workingDir: spec.workingDir } : {}),
    ...(spec.user ? { user: spec.user } : {}),
    stopTimeout: 30,
    init: true,
  };
}

/** The label whose value changes with the uploaded files, so the service is replaced on a change. */
export const CONFIG_HASH_LABEL = "titan.config-sha256";

/**
 * sha256 over every uploaded file (path, mode, content), in upload order. Only the digest leaves
 * this function; the caller keeps it secret when any content is.
 */
export function configHash(files: readonly (readonly [string, string, string])[]): string {
  const hash = createHash("sha256");
  for (const [file, content, permissions] of files) {
    hash.update(`${file}\0${permissions}\0${Buffer.byteLength(content)}\0`);
    hash.update(content);
  }
  return hash.digest("hex");
}

export interface CarrierSettings {
  name: string;
  start: false;
  mustRun: false;
  networkMode: "none";
  readOnly: false;
  privileged: false;
  capabilities: { drops: string[]; adds: string[] };
  securityOpts: string[];
  logDriver: string;
  logOpts: Record<string, string>;
  memory: number;
  memorySwap: number;
  restart: "no";
  envs: string[];
  ports: [];
  init: false;
}

/**
 * The config carrier of a service: created from the service's image only to receive the uploads
 * into the config volume (the provider's archive upload needs a writable root filesystem), never
 * started, so it has no network, env, ports or capabilities and needs no process limit.
 */
export function carrierSettings(spec: ServiceSpec): CarrierSettings {
  return {
    name: `${spec.name}-config`,
    start: false,
    mustRun: false,
    networkMode: "none",
    readOnly: false,
    privileged: false,
    capabilities: { drops: ["ALL"], adds: [] },
    securityOpts: [...SECURITY_OPTS],
    logDriver: "json-file",
    logOpts: { ...LOG_OPTS },
    memory: 16,
    memorySwap: 16,
    restart: "no",
    envs: [],
    ports: [],
    init: false,
  };
}
