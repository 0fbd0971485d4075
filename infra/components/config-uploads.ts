// The files uploaded into each container: generated configs (from the pure builders) and TLS
// material from the stack CA. Anything carrying a secret (bcrypt hashes, keys, the Redis
// password) is uploaded as a Pulumi secret.
import { rootCertificates } from "node:tls";
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { buildBrainGatewayConf } from "../builders/brain-gateway";
import { buildNatsConf } from "../builders/nats-conf";
import { buildRedisConf } from "../builders/redis-conf";
import { buildTraefikDynamic, buildTraefikStatic, GATEWAY_PORT } from "../builders/traefik";
import type { TitanConfig } from "../config/schema";
import type { NatsUser } from "../model/nats-permissions";
import {
  EXECUTION_CA_BUNDLE,
  GATEWAY_CONF_PATH,
  GATEWAY_TLS,
  NATS_CONF_PATH,
  NATS_JETSTREAM_DIR,
  NATS_TLS,
  REDIS_CONF_PATH,
  TITAN_TLS,
  TRAEFIK_ACME_STORAGE,
  TRAEFIK_DYNAMIC_PATH,
  TRAEFIK_STATIC_PATH,
  TRAEFIK_TLS,
} from "../model/paths";
import { PORTS } from "../model/ports";
import { NATS_USER_OF } from "../model/secret-scope";
import type { ContainerName } from "../model/services";
import type { Topology } from "../model/topology";
import type { IssuedCert } from "./stack-ca";

type Upload = docker.types.input.ContainerUpload;

export interface UploadSources {
  cfg: Pick<TitanConfig, "acmeEmail" | "acmeStaging" | "domain" | "consoleAllowlist" | "services">;
  topology: Topology;
  caCertPem: pulumi.Output<string>;
  natsServer: IssuedCert;
  /** The gateway's server certificate (name GATEWAY_SERVER_NAME, and the VPC address in split). */
  gatewayServer: IssuedCert;
  /** Traefik's client certificate for the gateway (the only client the gateway admits). */
  traefikClient: IssuedCert;
  /** Where Traefik reaches the gateway in split. */
  tradingPrivateIp: pulumi.Output<string>;
  natsHashes: Readonly<Record<NatsUser, pulumi.Output<string>>>;
  redisPassword: pulumi.Output<string>;
}

// World-readable inside the container: the images run as different non-root users (nginx 101,
// Titan 1001), and the file sits in a volume only this container mounts.
const file = (path: string, content: pulumi.Input<string>): Upload => ({
  file: path,
  content,
  permissions: "0444",
});
const secretFile = (path: string, content: pulumi.Output<string>): Upload =>
  file(path, pulumi.secret(content));

/** The name in the gateway's certificate, and its container name on the Docker networks. */
export const GATEWAY_SERVER_NAME = "brain-gateway";

/**
 * Where Traefik reaches the gateway. split: the trading droplet's VPC address, where 3100 is
 * published (the edge is another droplet). single: the gateway's name on the Docker edge network;
 * loopback would need 3100 published on the host and Traefik on the host network.
 */
export function gatewayUrl(topology: Topology, tradingPrivateIp: string): string {
  const host = topology === "split" ? tradingPrivateIp : GATEWAY_SERVER_NAME;
  return `https://${host}:${GATEWAY_PORT}`;
}

const consoleApiEnabled = (cfg: UploadSources["cfg"]) => cfg.services.includes("titan-console-api");

export function uploadsFor(container: ContainerName, src: UploadSources): Upload[] {
  switch (container) {
    case "nats": {
      const conf = pulumi.all(src.natsHashes).apply((hashes) =>
        buildNatsConf({
          passwordHashes: hashes as Record<NatsUser, string>,
          tls: { certFile: NATS_TLS.cert, keyFile: NATS_TLS.key, caFile: NATS_TLS.ca },
          jetStreamStoreDir: NATS_JETSTREAM_DIR,
        }),
      );
      return [
        secretFile(NATS_CONF_PATH, conf),
        file(NATS_TLS.cert, src.natsServer.certPem),
        secretFile(NATS_TLS.key, src.natsServer.keyPem),
        file(NATS_TLS.ca, src.caCertPem),
      ];
    }
    case "traefik":
      return [
        file(
          TRAEFIK_STATIC_PATH,
          buildTraefikStatic({
            acmeEmail: src.cfg.acmeEmail,
            acmeStaging: src.cfg.acmeStaging,
            acmeStorage: TRAEFIK_ACME_STORAGE,
          }),
        ),
        file(
          TRAEFIK_DYNAMIC_PATH,
          src.tradingPrivateIp.apply((ip) =>
            buildTraefikDynamic({
              domain: src.cfg.domain,
              ...(src.cfg.consoleAllowlist ? { allowlist: src.cfg.consoleAllowlist } : {}),
              gateway: {
                url: gatewayUrl(src.topology, ip),
                serverName: GATEWAY_SERVER_NAME,
                caFile: TRAEFIK_TLS.ca,
                certFile: TRAEFIK_TLS.cert,
                keyFile: TRAEFIK_TLS.key,
              },
              consoleApi: consoleApiEnabled(src.cfg),
            }),
          ),
        ),
        file(TRAEFIK_TLS.ca, src.caCertPem),
        file(TRAEFIK_TLS.cert, src.traefikClient.certPem),
        secretFile(TRAEFIK_TLS.key, src.traefikClient.keyPem),
      ];
    case "redis":
      return [
        secretFile(
          REDIS_CONF_PATH,
          src.redisPassword.apply((password) => buildRedisConf({ password })),
        ),
      ];
    case "brain-gateway":
      return [
        file(
          GATEWAY_CONF_PATH,
          buildBrainGatewayConf({
            certFile: GATEWAY_TLS.cert,
            keyFile: GATEWAY_TLS.key,
            clientCaFile: GATEWAY_TLS.ca,
            ...(consoleApiEnabled(src.cfg) ? { consoleApi: `titan-console-api:${PORTS.consoleApi}` } : {}),
          }),
        ),
        file(GATEWAY_TLS.cert, src.gatewayServer.certPem),
        secretFile(GATEWAY_TLS.key, src.gatewayServer.keyPem),
        file(GATEWAY_TLS.ca, src.caCertPem),
      ];
    default:
      break;
  }
  if (!NATS_USER_OF[container]) return [];
  const uploads = [file(TITAN_TLS.ca, src.caCertPem)];
  if (container === "titan-execution") {
    // SSL_CERT_FILE replaces the system store for async-nats and the exchange HTTPS clients, so
    // the bundle is the public roots Node.js ships (Mozilla's) plus the stack CA.
    uploads.push(file(EXECUTION_CA_BUNDLE, src.caCertPem.apply(caBundleWith)));
  }
  return uploads;
}

/** Public roots plus the stack CA, PEM, one certificate after another. */
export function caBundleWith(stackCaPem: string): string {
  return `${[...rootCertificates, stackCaPem.trim()].join("\n")}\n`;
}
