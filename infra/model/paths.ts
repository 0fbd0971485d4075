// Paths inside containers and on the hosts. Every uploaded file lives under its container's one
// config directory, which is a Docker volume: Docker refuses uploads into a read-only root
// filesystem unless the target is on a mount.
import { DEFAULT_DATA_MOUNT_POINT } from "../builders/cloud-init";

export const NATS_CONFIG_DIR = "/etc/nats";
export const NATS_CONF_PATH = "/etc/nats/nats.conf";
export const NATS_TLS = {
  cert: "/etc/nats/tls/server.crt",
  key: "/etc/nats/tls/server.key",
  ca: "/etc/nats/tls/ca.crt",
} as const;
/** The nats-conf builder's default store; the host's data volume is mounted here. */
export const NATS_JETSTREAM_DIR = "/data/jetstream";

export const TRAEFIK_CONFIG_DIR = "/etc/traefik";
export const TRAEFIK_STATIC_PATH = "/etc/traefik/traefik.yml";
export const TRAEFIK_DYNAMIC_PATH = "/etc/traefik/dynamic/titan.yml";
/** ACME account and certificates survive container replacement in a named volume. */
export const TRAEFIK_ACME_DIR = "/var/lib/traefik";
export const TRAEFIK_ACME_STORAGE = "/var/lib/traefik/acme.json";
/** Traefik's side of the mTLS hop to the brain gateway: the stack CA and its client certificate. */
export const TRAEFIK_TLS = {
  ca: "/etc/traefik/tls/ca.crt",
  cert: "/etc/traefik/tls/gateway-client.crt",
  key: "/etc/traefik/tls/gateway-client.key",
} as const;

export const REDIS_CONFIG_DIR = "/usr/local/etc/redis";
export const REDIS_CONF_PATH = "/usr/local/etc/redis/redis.conf";

export const GATEWAY_CONFIG_DIR = "/etc/brain-gateway";
export const GATEWAY_CONF_PATH = "/etc/brain-gateway/nginx.conf";
export const GATEWAY_TLS = {
  cert: "/etc/brain-gateway/tls/server.crt",
  key: "/etc/brain-gateway/tls/server.key",
  ca: "/etc/brain-gateway/tls/ca.crt",
} as const;

/** Titan services: the stack CA, which Node (NODE_EXTRA_CA_CERTS) and execution-rs trust for NATS. */
export const TITAN_TLS_DIR = "/etc/titan/tls";
export const TITAN_TLS = {
  ca: "/etc/titan/tls/ca.crt",
} as const;

/** Host directories on the trading data volume (created by cloud-init). */
export const HOST_DATA = {
  jetstream: `${DEFAULT_DATA_MOUNT_POINT}/jetstream`,
  postgres: `${DEFAULT_DATA_MOUNT_POINT}/postgres`,
  redis: `${DEFAULT_DATA_MOUNT_POINT}/redis`,
  execution: `${DEFAULT_DATA_MOUNT_POINT}/execution`,
  // What Titan writes under a fixed path and must survive a restart (data/titan-runtime-writes.json).
  brain: `${DEFAULT_DATA_MOUNT_POINT}/brain`,
  aiQuant: `${DEFAULT_DATA_MOUNT_POINT}/ai-quant`,
  powerlaw: `${DEFAULT_DATA_MOUNT_POINT}/powerlaw-lab`,
} as const;
/** execution-rs keeps its order state in a redb file (PERSISTENCE_PATH, Titan src/main.rs). */
export const EXECUTION_STATE_DIR = "/var/lib/titan-execution";
/**
 * Titan's node images' working directories (Dockerfile WORKDIR): `./config`, `./data` and `./logs`
 * in their code resolve here (data/titan-runtime-writes.json has each write with its file:line).
 */
export const TITAN_WORKDIR = {
  brain: "/app/services/titan-brain",
  scavenger: "/app/services/titan-phase1-scavenger",
  hunter: "/app/services/titan-phase2-hunter",
  sentinel: "/app/services/titan-phase3-sentinel",
  aiQuant: "/app/services/titan-ai-quant",
} as const;
/** brain's state snapshots (`data/backups`) and ingestion dead letters (`data/dlq`), cwd-relative. */
export const BRAIN_DATA_DIR = `${TITAN_WORKDIR.brain}/data`;
/** ai-quant's strategic memory (SQLite, WAL), `data/strategic_memory.db` under its cwd. */
export const AI_QUANT_DATA_DIR = `${TITAN_WORKDIR.aiQuant}/data`;
/** powerlaw-lab's rolling state, a fixed `/data/powerlaw_state.json` (src/estimator.ts:37-38). */
export const POWERLAW_DATA_DIR = "/data";
/** CA bundle for execution-rs: async-nats and its HTTPS clients trust exactly SSL_CERT_FILE. */
export const EXECUTION_CA_BUNDLE = "/etc/titan/tls/ca-bundle.crt";
