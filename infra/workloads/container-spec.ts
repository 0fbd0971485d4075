// The hardening every container gets, from its service entry. Pure: the component adds image,
// env, ports, networks and uploads, which depend on deploy-time values.
import { processSlice, type ServiceSpec } from "./services";

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
      startPeriod: "30s",
    },
    ...(spec.command ? { command: [...spec.command] } : {}),
    stopTimeout: 30,
    init: true,
  };
}
