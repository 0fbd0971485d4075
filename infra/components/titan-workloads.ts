import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { databaseUrl, POSTGRES_USER, plainEnvFor } from "../builders/plain-env";
import { type CredentialServer, serversFirst, serversOf } from "../builders/rotation-plan";
import type { TitanConfig } from "../config/schema";
import { digestReference, taggedReference } from "../model/images";
import { NATS_USER_OF, OPERATOR_SECRETS, type SecretSource, secretEnvFor } from "../model/secret-scope";
import { type ContainerName, networksOn, servicesFor } from "../model/services";
import type { Plane } from "../model/topology";
import { pinnedTarget } from "./backup";
import { GATEWAY_SERVER_NAME, uploadsFor } from "./config-uploads";
import { createDataDirs } from "./data-dirs";
import { DockerHost } from "./docker-host";
import { GeneratedSecrets } from "./generated-secrets";
import { createPostgresRolePassword } from "./postgres-role";
import { createServiceContainer } from "./service-container";
import { StackCa } from "./stack-ca";

/** A droplet that runs containers, with how Pulumi reaches it over SSH. */
export interface WorkloadHost {
  /** Resource name prefix: the droplet role (edge, trading, single). */
  name: string;
  /** The planes it serves: one each in split, both on the single droplet. */
  planes: readonly Plane[];
  dropletId: pulumi.Input<string>;
  sshAddress: pulumi.Output<string>;
  /** The bastion (the edge's reserved IP) for a host without public SSH. */
  jumpAddress?: pulumi.Output<string>;
}

export interface TitanWorkloadsArgs {
  cfg: TitanConfig;
  /** Goes before each child's resource name (a bench copy's `r3-`); empty for the real stack. */
  namePrefix?: string;
  stack: string;
  hosts: readonly WorkloadHost[];
  /** The trading droplet's VPC address: published internal ports and certificate SANs. */
  tradingPrivateIp: pulumi.Output<string>;
}

/** Every Titan container on its droplet(s), with its images, networks, secrets and TLS material. */
export class TitanWorkloads extends pulumi.ComponentResource {
  readonly containers: Readonly<Partial<Record<ContainerName, docker.Container>>>;
  /** Each host's Docker over SSH, by host name (edge, trading, single): pinned host keys. */
  readonly dockerHosts: Readonly<Record<string, DockerHost>>;

  constructor(name: string, args: TitanWorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("titan:workloads:TitanWorkloads", name, {}, opts);
    const { cfg } = args;
    const topology = cfg.topology;
    const p = args.namePrefix ?? "";
    const secrets = new GeneratedSecrets(
      `${p}secrets`,
      { rotationEpoch: cfg.rotationEpoch },
      { parent: this },
    );
    const ca = new StackCa(`${p}stack-ca`, { stack: args.stack }, { parent: this });
    // NATS clients all run on the trading plane and dial `nats`: no address in its certificate.
    const natsServer = ca.issue(`${p}nats-server`, {
      commonName: "nats",
      usage: "server",
      dnsNames: ["nats"],
    });
    // Traefik verifies the gateway by name (its serversTransport serverName) in both topologies;
    // split also lists the VPC address Traefik dials.
    const gatewayServer = ca.issue(`${p}brain-gateway-server`, {
      commonName: GATEWAY_SERVER_NAME,
      usage: "server",
      dnsNames: [GATEWAY_SERVER_NAME],
      ...(topology === "split" ? { ipAddresses: [args.tradingPrivateIp] } : {}),
    });
    // The one client the gateway admits (ssl_verify_client on).
    const traefikClient = ca.issue(`${p}traefik-gateway-client`, { commonName: "traefik", usage: "client" });

    // Registry look-ups need no Docker daemon; this provider never connects to one.
    const registryAuth = registryAuthFor(cfg.registryAuth);
    const registry = new docker.Provider(
      `${p}registry`,
      { disableDockerDaemonCheck: true, ...(registryAuth ? { registryAuth: [registryAuth] } : {}) },
      { parent: this },
    );
    const operator = operatorSecrets(cfg);
    const secretValue = (container: ContainerName, source: SecretSource): pulumi.Output<string> => {
      if (source === "nats") {
        const user = NATS_USER_OF[container];
        if (!user) throw new Error(`${container} has no NATS user`);
        return secrets.natsPasswords[user];
      }
      if (source === "databaseUrl") return secrets.values.postgres.apply(databaseUrl);
      if (source === "postgresBootstrap") return secrets.postgresBootstrap;
      if (source in secrets.values) return secrets.values[source as keyof typeof secrets.values];
      const value = operator[source as keyof typeof operator];
      if (value === undefined) throw new Error(`titan:${source} is not set but ${container} needs it`);
      return value;
    };

    const containers: Partial<Record<ContainerName, docker.Container>> = {};
    const all = servicesFor(topology, cfg.services);
    const dockerHosts: Record<string, DockerHost> = {};
    // What each client waits for: nats and redis containers, and for Postgres the step that sets
    // the role's password (after the container). A rotation thus changes the server first.
    const servers: Partial<Record<CredentialServer, pulumi.Resource>> = {};
    for (const host of args.hosts) {
      const specs = serversFirst(all.filter((s) => host.planes.includes(s.plane)));
      // The jump host is the host reached directly (the edge), listed before the hosts behind it.
      const bastion = host.jumpAddress ? Object.values(dockerHosts)[0] : undefined;
      if (host.jumpAddress && !bastion)
        throw new Error(`host ${host.name}: its jump host must be listed first`);
      const dockerHost = new DockerHost(
        host.name,
        {
          target: host.sshAddress.apply((address) => ({ user: cfg.deployUser, address })),
          dropletId: host.dropletId,
          ...(bastion ? { jump: bastion } : {}),
          ...(registryAuth ? { registryAuth } : {}),
          networks: networksOn(specs, topology),
        },
        { parent: this },
      );
      dockerHosts[host.name] = dockerHost;
      const digests = new Map(
        specs.map((spec) => {
          const tagged = taggedReference(spec.image, cfg);
          const digest = docker
            .getRegistryImageOutput({ name: tagged }, { provider: registry })
            .apply((img) => digestReference(tagged, img.sha256Digest));
          return [spec.name, digest] as const;
        }),
      );
      // The host with the data volume: its directories exist, with their owners, before any
      // container mounts them (also on a host whose cloud-init ran before a directory was added).
      const redisImage = digests.get("redis");
      const dataDirs =
        specs.some((s) => s.dataMounts.length > 0) && redisImage
          ? createDataDirs(
              `${host.name}-data-dirs`,
              { target: pinnedTarget(dockerHost, bastion), image: redisImage, dependsOn: [dockerHost.ready] },
              this,
            )
          : undefined;
      if (specs.some((s) => s.dataMounts.length > 0) && !dataDirs)
        throw new Error(`host ${host.name}: data mounts need the redis image for the data-dirs step`);
      for (const spec of specs) {
        const digest = digests.get(spec.name) as pulumi.Output<string>;
        // Names do not depend on the address; values may (console-api's URLs in split).
        const plainEnv = (ip: string) => plainEnvFor(spec.name, { topology, tradingPrivateIp: ip });
        const envs: pulumi.Input<string>[] = [
          ...Object.keys(plainEnv("10.0.0.1")).map((key) =>
            args.tradingPrivateIp.apply((ip) => `${key}=${plainEnv(ip)[key]}`),
          ),
          // Each secret env entry is its own Pulumi secret: encrypted in state, masked in diffs.
          ...secretEnvFor(spec.name, cfg).map((e) =>
            pulumi.secret(pulumi.interpolate`${e.env}=${secretValue(spec.name, e.source)}`),
          ),
        ];
        const waitsFor = serversOf(spec.name).map((server) => {
          const resource = servers[server];
          if (!resource)
            throw new Error(`${spec.name} logs into ${server}, which is not on host ${host.name}`);
          return resource;
        });
        const container = createServiceContainer(
          `${host.name}-${spec.name}`,
          {
            spec,
            topology,
            host: dockerHost,
            imageDigestRef: digest,
            envs,
            dependsOn: [...waitsFor, ...(dataDirs && spec.dataMounts.length > 0 ? [dataDirs] : [])],
            uploads: uploadsFor(spec.name, {
              cfg,
              topology,
              caCertPem: ca.certPem,
              natsServer,
              gatewayServer,
              traefikClient,
              tradingPrivateIp: args.tradingPrivateIp,
              natsHashes: secrets.natsHashes,
              redisPassword: secrets.values.redis,
            }),
            tradingPrivateIp: args.tradingPrivateIp,
          },
          this,
        );
        containers[spec.name] = container;
        if (spec.name === "nats" || spec.name === "redis") servers[spec.name] = container;
        if (spec.name === "postgres")
          servers.postgres = createPostgresRolePassword(
            `${host.name}-postgres-role-password`,
            {
              target: pinnedTarget(dockerHost, bastion),
              postgres: container,
              role: POSTGRES_USER,
              superuser: POSTGRES_USER,
              password: secrets.values.postgres,
              salt: secrets.postgresScramSalt,
            },
            this,
          );
      }
    }
    this.containers = containers;
    this.dockerHosts = dockerHosts;
    this.registerOutputs({});
  }
}

/** Operator secrets from config (already Pulumi secrets); optional ones only when set. */
function operatorSecrets(cfg: TitanConfig): Partial<Record<SecretSource, pulumi.Output<string>>> {
  const out: Partial<Record<SecretSource, pulumi.Output<string>>> = {};
  for (const key of OPERATOR_SECRETS) {
    const value = cfg[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** `titan:registryAuth` as the provider's credential for ghcr.io; Titan's images may be private. */
function registryAuthFor(auth: TitanConfig["registryAuth"]) {
  return auth === undefined ? undefined : { address: "ghcr.io", ...auth };
}
