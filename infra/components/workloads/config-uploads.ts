// The files uploaded into each container: generated configs (from the pure builders) and TLS
// material from the stack CA. Anything carrying a secret (bcrypt hashes, keys, the Redis
// password) is uploaded as a Pulumi secret.
import { rootCertificates } from "node:tls";
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { buildBrainGatewayConf } from "../../builders/brain-gateway";
import { buildNatsConf } from "../../builders/nats-conf";
import type { NatsUser } from "../../builders/nats-permissions";
import { buildRedisConf } from "../../builders/redis-conf";
import { buildTraefikDynamic, buildTraefikStatic } from "../../builders/traefik";
import type { TitanConfig } from "../../config/schema";
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
} from "../../workloads/paths";
import { NATS_USER_OF } from "../../workloads/secrets";
import type { ContainerName, Topology } from "../../workloads/services";
import type { IssuedCert } from "./stack-ca";

type Upload = docker.types.input.ContainerUpload;

export interface UploadSources {
  cfg: Pick<TitanConfig, "acmeEmail" | "acmeStaging" | "domain" | "consoleAllowlist">;
  topology: Topology;
  caCertPem: pulumi.Output<string>;
  natsServer: IssuedCert;
  /** split only: the gateway's server certificate. */
  gatewayServer?: IssuedCert;
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
          buildTraefikDynamic({
            domain: src.cfg.domain,
            ...(src.cfg.consoleAllowlist ? { allowlist: src.cfg.consoleAllowlist } : {}),
          }),
        ),
      ];
    case "redis":
      return [
        secretFile(
          REDIS_CONF_PATH,
          src.redisPassword.apply((password) => buildRedisConf({ password })),
        ),
      ];
    case "brain-gateway": {
      const server = required(src.gatewayServer, "gatewayServer");
      return [
        file(
          GATEWAY_CONF_PATH,
          buildBrainGatewayConf({
            certFile: GATEWAY_TLS.cert,
            keyFile: GATEWAY_TLS.key,
            clientCaFile: GATEWAY_TLS.ca,
          }),
        ),
        file(GATEWAY_TLS.cert, server.certPem),
        secretFile(GATEWAY_TLS.key, server.keyPem),
        file(GATEWAY_TLS.ca, src.caCertPem),
      ];
    }
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

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`${name} is required in the split topology`);
  return value;
}

/** Public roots plus the stack CA, PEM, one certificate after another. */
export function caBundleWith(stackCaPem: string): string {
  return `${[...rootCertificates, stackCaPem.trim()].join("\n")}\n`;
}
