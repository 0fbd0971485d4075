// nats-server configuration (DESIGN.md §3). Passwords appear only as bcrypt hashes; every value is
// validated and emitted as a quoted string, so no input can add a directive.
import { NATS_USERS, type NatsUser, natsPermissionsFor } from "../model/nats-permissions";
import { PORTS } from "../model/ports";
import { assertPath, assertPattern, assertPort } from "./validate";

export interface NatsTlsInput {
  certFile: string;
  keyFile: string;
  caFile: string;
  /** Require and verify a client certificate from every client (mTLS). Default false. */
  verifyClients?: boolean;
}

export interface NatsConfInput {
  /** bcrypt hash per user (random.RandomPassword's bcryptHash); never a plain password. */
  passwordHashes: Readonly<Record<NatsUser, string>>;
  /** Client TLS: required for every client, minimum TLS 1.3. */
  tls: NatsTlsInput;
  /** Default "titan-nats". */
  serverName?: string;
  /** Default 0.0.0.0 inside the container; Docker decides which host address publishes it. */
  listenHost?: string;
  /** Default PORTS.nats. */
  port?: number;
  /**
   * Default 127.0.0.1: the container's own loopback. The healthcheck runs inside the container and
   * an operator uses `docker exec`; on 0.0.0.0 every container on the bus network could read it.
   */
  monitorHost?: string;
  /** Default PORTS.natsMonitor. */
  monitorPort?: number;
  /** Default /data/jetstream (the data volume is mounted at /data in the container). */
  jetStreamStoreDir?: string;
  /** Default 1 GiB. */
  jetStreamMaxFileBytes?: number;
  /** Default 256 MiB. */
  jetStreamMaxMemoryBytes?: number;
}

const BCRYPT_PATTERN = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;
const SUBJECT_PATTERN = /^[A-Za-z0-9_$.*>-]+$/;
const HOST_PATTERN = /^(\d{1,3}(\.\d{1,3}){3}|[a-z0-9.-]+)$/;

type ConfValue = string | number | boolean | readonly ConfValue[] | { readonly [key: string]: ConfValue };

function render(value: ConfValue, indent: string): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v: ConfValue) => `${inner}${render(v, inner)}`).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as { readonly [key: string]: ConfValue });
  return `{\n${entries.map(([k, v]) => `${inner}${k}: ${render(v, inner)}`).join("\n")}\n${indent}}`;
}

function subjects(list: readonly string[]): string[] {
  return list.map((s) => assertPattern("subject", s, SUBJECT_PATTERN));
}

function userEntry(user: NatsUser, hash: string): { [key: string]: ConfValue } {
  if (!BCRYPT_PATTERN.test(hash)) throw new Error(`passwordHashes.${user}: not a bcrypt hash`);
  const p = natsPermissionsFor(user);
  const publish: { [key: string]: ConfValue } = { allow: subjects(p.publishAllow) };
  if (p.publishDeny.length > 0) publish.deny = subjects(p.publishDeny);
  const subscribe: { [key: string]: ConfValue } = { allow: subjects(p.subscribeAllow) };
  if (p.subscribeDeny.length > 0) subscribe.deny = subjects(p.subscribeDeny);
  // Never allow_responses: it lets the requester choose where the responder publishes. Responders
  // get publish on the reply inboxes instead (nats-permissions.ts, REPLY_INBOXES).
  const permissions: { [key: string]: ConfValue } = { publish, subscribe };
  return {
    user,
    password: hash,
    // No websocket, MQTT or leafnode logins with these credentials.
    allowed_connection_types: ["STANDARD"],
    permissions,
  };
}

export function buildNatsConf(input: NatsConfInput): string {
  const host = assertPattern("listenHost", input.listenHost ?? "0.0.0.0", HOST_PATTERN);
  const monitorHost = assertPattern("monitorHost", input.monitorHost ?? "127.0.0.1", HOST_PATTERN);
  const port = assertPort("port", input.port ?? PORTS.nats);
  const monitorPort = assertPort("monitorPort", input.monitorPort ?? PORTS.natsMonitor);
  const storeDir = assertPath("jetStreamStoreDir", input.jetStreamStoreDir ?? "/data/jetstream");
  const serverName = assertPattern("serverName", input.serverName ?? "titan-nats", /^[a-z0-9-]{1,64}$/);
  const extra = Object.keys(input.passwordHashes).filter(
    (u) => !(NATS_USERS as readonly string[]).includes(u),
  );
  if (extra.length > 0) throw new Error(`passwordHashes: unknown users ${extra.join(", ")}`);

  const conf: { [key: string]: ConfValue } = {
    server_name: serverName,
    listen: `${host}:${port}`,
    http: `${monitorHost}:${monitorPort}`,
    // Limits: Titan messages are small JSON; a 1 MiB cap and a short write deadline keep one slow
    // or misbehaving client from holding server memory.
    max_payload: 1024 * 1024,
    max_pending: 64 * 1024 * 1024,
    max_connections: 256,
    max_control_line: 4096,
    max_subscriptions: 1024,
    write_deadline: "10s",
    ping_interval: "20s",
    ping_max: 3,
    tls: {
      cert_file: assertPath("tls.certFile", input.tls.certFile),
      key_file: assertPath("tls.keyFile", input.tls.keyFile),
      ca_file: assertPath("tls.caFile", input.tls.caFile),
      verify: input.tls.verifyClients ?? false,
      min_version: "1.3",
      timeout: 2,
    },
    jetstream: {
      store_dir: storeDir,
      max_file_store: input.jetStreamMaxFileBytes ?? 1024 * 1024 * 1024,
      max_memory_store: input.jetStreamMaxMemoryBytes ?? 256 * 1024 * 1024,
    },
    authorization: {
      timeout: 2,
      users: NATS_USERS.map((u) => userEntry(u, input.passwordHashes[u])),
    },
  };
  const body = Object.entries(conf)
    .map(([k, v]) => `${k}: ${render(v, "")}`)
    .join("\n");
  return `# Managed by the Titan Pulumi program (infra/builders/nats-conf.ts).\n${body}\n`;
}
