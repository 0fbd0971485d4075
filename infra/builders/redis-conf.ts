// redis.conf for the redis container. The output contains the password: upload it as secret
// content (never a command-line flag, which `ps` and `docker inspect` show).

import { PORTS } from "../model/ports";
import { assertPath } from "./validate";

export interface RedisConfInput {
  /** REDIS_PASSWORD; 32-128 characters without quotes, spaces or backslashes. */
  password: string;
  /** Default 256 (MiB). */
  maxMemoryMb?: number;
  /** Default /data (the data volume). */
  dataDir?: string;
}

/** Commands no Titan service needs and an intruder with the password would love. */
export const REDIS_DISABLED_COMMANDS: readonly string[] = [
  "FLUSHALL",
  "FLUSHDB",
  "CONFIG",
  "DEBUG",
  "MODULE",
  "SHUTDOWN",
  "REPLICAOF",
  "SLAVEOF",
  "MIGRATE",
  "MONITOR",
  "SAVE",
  "BGREWRITEAOF",
];

export function buildRedisConf(input: RedisConfInput): string {
  const password = assertSecretShape(input.password);
  const maxMemory = input.maxMemoryMb ?? 256;
  if (!Number.isInteger(maxMemory) || maxMemory < 16) throw new Error("maxMemoryMb: integer >= 16 required");
  return [
    "# Managed by the Titan Pulumi program (infra/builders/redis-conf.ts).",
    // All interfaces inside the container: the port is never published (DESIGN.md §2) and the
    // container sits on the internal data network only.
    "bind 0.0.0.0",
    `port ${PORTS.redis}`,
    "protected-mode yes",
    `requirepass "${password}"`,
    ...REDIS_DISABLED_COMMANDS.map((c) => `rename-command ${c} ""`),
    "enable-debug-command no",
    "enable-module-command no",
    "enable-protected-configs no",
    `dir ${assertPath("dataDir", input.dataDir ?? "/data")}`,
    "appendonly yes",
    "appendfsync everysec",
    `maxmemory ${maxMemory}mb`,
    "maxmemory-policy allkeys-lru",
    "tcp-keepalive 60",
    "timeout 0",
    "loglevel notice",
    'logfile ""',
    "",
  ].join("\n");
}

function assertSecretShape(password: string): string {
  // Not assertPattern: its message would echo the secret into logs.
  if (!/^[A-Za-z0-9!#%&()*+,\-./:;<=>?@[\]^_{|}~]{32,128}$/.test(password)) {
    throw new Error(
      "password: 32-128 printable characters without quotes, spaces, $ or backslashes required",
    );
  }
  return password;
}
