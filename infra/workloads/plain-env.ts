// Non-secret env per container: addresses, file paths and tunables. Nothing here may carry a
// secret; a test checks every value against the generated and operator secrets.
import { TITAN_TLS } from "./paths";
import { NATS_USER_OF } from "./secrets";
import type { ContainerName, Topology } from "./services";

/** The replay window for signed brain→execution commands, in seconds (NTP keeps clocks close). */
export const HMAC_TIMESTAMP_TOLERANCE = "5";
export const POSTGRES_DB = "titan";
export const POSTGRES_USER = "titan";

export interface PlainEnvContext {
  topology: Topology;
  /** The trading droplet's VPC address (split: where console-api finds NATS and the gateway). */
  tradingPrivateIp: string;
}

function natsUrl(container: ContainerName, ctx: PlainEnvContext): string {
  // Cross-host in split: the server certificate carries the private address as a SAN.
  const crossHost = ctx.topology === "split" && container === "titan-console-api";
  return `tls://${crossHost ? ctx.tradingPrivateIp : "nats"}:4222`;
}

export function plainEnvFor(container: ContainerName, ctx: PlainEnvContext): Record<string, string> {
  const env: Record<string, string> = { NODE_ENV: "production" };
  const natsUser = NATS_USER_OF[container];
  if (natsUser) {
    Object.assign(env, {
      NATS_URL: natsUrl(container, ctx),
      NATS_USER: natsUser,
      NATS_CA_FILE: TITAN_TLS.ca,
    });
  }
  switch (container) {
    case "titan-brain":
      Object.assign(env, {
        HMAC_TIMESTAMP_TOLERANCE,
        POSTGRES_HOST: "postgres",
        POSTGRES_PORT: "5432",
        POSTGRES_DB,
        POSTGRES_USER,
        REDIS_HOST: "redis",
        REDIS_PORT: "6379",
        PORT: "3100",
      });
      break;
    case "titan-execution":
      Object.assign(env, { HMAC_TIMESTAMP_TOLERANCE, REDIS_HOST: "redis", REDIS_PORT: "6379", PORT: "3002" });
      break;
    case "titan-console-api":
      Object.assign(
        env,
        ctx.topology === "split"
          ? {
              // Through the TLS 1.3 gateway, authenticated with the stack CA's client certificate.
              BRAIN_URL: `https://${ctx.tradingPrivateIp}:3100`,
              BRAIN_CA_FILE: TITAN_TLS.ca,
              BRAIN_CLIENT_CERT_FILE: TITAN_TLS.clientCert,
              BRAIN_CLIENT_KEY_FILE: TITAN_TLS.clientKey,
            }
          : { BRAIN_URL: "http://titan-brain:3100" },
        { PORT: "3000" },
      );
      break;
    case "postgres":
      Object.assign(env, { POSTGRES_DB, POSTGRES_USER, PGDATA: "/var/lib/postgresql/data/pgdata" });
      delete env.NODE_ENV;
      break;
    case "titan-console":
      env.PORT = "8080";
      break;
    case "titan-scavenger":
    case "titan-hunter":
    case "titan-sentinel":
    case "titan-ai-quant":
      break;
    default:
      // Third-party images take their settings from uploaded config files.
      return {};
  }
  return env;
}
