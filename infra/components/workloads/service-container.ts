import * as docker from "@pulumi/docker";
import type * as pulumi from "@pulumi/pulumi";
import { hardenedSettings } from "../../workloads/container-spec";
import { hostAddress, portsOf } from "../../workloads/ports";
import type { ServiceSpec, Topology } from "../../workloads/services";
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
}

/** One service: its image pulled by digest, its config volume, and the hardened container. */
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
  const volumes: Record<string, string> = { ...spec.namedVolumes };
  if (spec.configDir) volumes.config = spec.configDir;
  for (const [suffix, target] of Object.entries(volumes)) {
    const volume = new docker.Volume(`${name}-${suffix}`, { name: `titan-${spec.name}-${suffix}` }, onHost);
    mounts.push({ type: "volume", source: volume.name, target, readOnly: false });
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
      uploads: args.uploads,
      ipcMode: "private",
      publishAllPorts: false,
    },
    { ...onHost, dependsOn: [host.ready, image] },
  );
}
