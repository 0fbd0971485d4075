import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_HASH_LABEL, carrierSettings, configHash, hardenedSettings } from "../builders/container-spec";
import { hostAddress, portsOf } from "../model/ports";
import type { ServiceSpec } from "../model/services";
import type { Topology } from "../model/topology";
import type { DockerHost } from "./docker-host";

export interface ServiceContainerArgs {
  spec: ServiceSpec;
  topology: Topology;
  host: DockerHost;
  /** `repository@sha256:…` */
  imageDigestRef: pulumi.Output<string>;
  envs: pulumi.Input<string>[];
  uploads: docker.types.input.ContainerUpload[];
  tradingPrivateIp: pulumi.Output<string>;
  /** What must be in place first: the servers this service logs into (rotation order). */
  dependsOn?: pulumi.Resource[];
}

/**
 * One service: its image pulled by digest, its volumes, the config carrier that fills its config
 * volume, and the hardened container.
 *
 * The provider uploads every file with `PUT /containers/{id}/archive?path=/`, and the daemon
 * refuses that for a read-only root filesystem whatever the file's final path (it checks `/`,
 * which is never on a volume). So the files go into a "config carrier": a container of the same
 * image that is never started, has no network, env, ports or capabilities, and a writable root,
 * with the config volume mounted read-write. The service mounts that volume read-only.
 */
export function createServiceContainer(name: string, args: ServiceContainerArgs, parent: pulumi.Resource) {
  const { spec, host } = args;
  const onHost = { parent, provider: host.provider, dependsOn: [host.ready] };
  const image = new docker.RemoteImage(
    `${name}-image`,
    // keepLocally: a replaced container can restart on the old image while the new one pulls.
    { name: args.imageDigestRef, keepLocally: true },
    onHost,
  );
  const mounts: docker.types.input.ContainerMount[] = spec.dataMounts.map((m) => ({
    type: "bind",
    source: m.hostPath,
    target: m.containerPath,
    readOnly: false,
  }));
  for (const [suffix, target] of Object.entries(spec.namedVolumes)) {
    const volume = new docker.Volume(`${name}-${suffix}`, { name: `titan-${spec.name}-${suffix}` }, onHost);
    mounts.push({ type: "volume", source: volume.name, target, readOnly: false });
  }
  const dependsOn: pulumi.Resource[] = [host.ready, image, ...(args.dependsOn ?? [])];
  const labels: docker.types.input.ContainerLabel[] = [];
  if (args.uploads.length > 0) {
    if (!spec.configDir) throw new Error(`${spec.name}: has uploads but no configDir to carry them`);
    const volume = new docker.Volume(`${name}-config`, { name: `titan-${spec.name}-config` }, onHost);
    const carrier = new docker.Container(
      `${name}-config`,
      {
        ...carrierSettings(spec),
        image: image.name,
        mounts: [{ type: "volume", source: volume.name, target: spec.configDir, readOnly: false }],
        uploads: args.uploads,
      },
      // Never running, so nothing to keep up while it is replaced; its name is fixed.
      { ...onHost, dependsOn: [host.ready, image], deleteBeforeReplace: true },
    );
    mounts.push({ type: "volume", source: volume.name, target: spec.configDir, readOnly: true });
    dependsOn.push(carrier);
    // New config → new label → the service container is replaced and reads the new files. The
    // hash is secret whenever any upload is (pulumi.all carries the secret flag).
    labels.push({
      label: CONFIG_HASH_LABEL,
      value: pulumi
        .all(args.uploads.map((u) => pulumi.all([u.file, u.content ?? "", u.permissions ?? ""])))
        .apply((files) => configHash(files.map(([f, c, p]) => [f, c ?? "", p ?? ""] as const))),
    });
  }
  const settings = hardenedSettings(spec);
  const networks = spec.networks[args.topology].map((net) => {
    const network = host.networks[net];
    if (!network) throw new Error(`${spec.name}: network '${net}' is not on this host`);
    return network;
  });
  return new docker.Container(
    name,
    {
      ...settings,
      image: image.name,
      envs: args.envs,
      // The first tier network as network mode: the container never joins Docker's default
      // bridge, which would give postgres and redis a route off the internal data network.
      networkMode: networks[0]?.name ?? "none",
      networksAdvanced: networks.map((network) => ({ name: network.name, aliases: [spec.name] })),
      ports: portsOf(spec.name, args.topology).map((p) => ({
        internal: p.internal,
        external: p.external,
        protocol: "tcp",
        // Always explicit: left out, Docker would publish on 0.0.0.0.
        ip: args.tradingPrivateIp.apply((ip) => hostAddress(p.bindTo, ip)),
      })),
      mounts,
      labels,
      ipcMode: "private",
      publishAllPorts: false,
      // `pulumi up` fails on a container that does not become healthy, instead of reporting
      // success with trading down: wait for the health check, bounded by its start period plus
      // every retry (the image's own timing, brain 480 s).
      wait: true,
      waitTimeout: healthWaitSeconds(spec),
    },
    { ...onHost, dependsOn },
  );
}

/** Seconds Docker may take to report healthy: start period plus retries × (interval + timeout). */
export function healthWaitSeconds(spec: ServiceSpec): number {
  const { startPeriod, interval, timeout, retries } = hardenedSettings(spec).healthcheck;
  const seconds = (d: string) => Number(d.replace(/s$/, ""));
  return seconds(startPeriod) + retries * (seconds(interval) + seconds(timeout));
}
