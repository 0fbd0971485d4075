import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { INTERNAL_NETWORKS, type NetworkName } from "../../workloads/services";
import { cloudInitWaitCommand, dockerHost, type SshTarget, sshOptions } from "../../workloads/ssh-access";

export interface DockerHostArgs {
  /** Who and where: resolved addresses (the edge's reserved IP, trading's VPC address). */
  target: pulumi.Input<SshTarget>;
  /** Re-run the cloud-init wait when the droplet is replaced. */
  dropletId: pulumi.Input<string>;
  networks: readonly NetworkName[];
}

/**
 * One droplet's Docker daemon: a wait for cloud-init, a Docker provider over SSH that is only
 * configured after it, and the per-tier networks. Everything created on this host depends on
 * `ready`.
 */
export class DockerHost extends pulumi.ComponentResource {
  readonly provider: docker.Provider;
  readonly ready: command.local.Command;
  readonly networks: Readonly<Partial<Record<NetworkName, docker.Network>>>;

  constructor(name: string, args: DockerHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("titan:workloads:DockerHost", name, {}, opts);
    const target = pulumi.output(args.target);
    // The local ssh binary, not command.remote: it checks host keys against known_hosts (the Go
    // client of command.remote does not) and does ProxyJump exactly as the Docker provider does.
    this.ready = new command.local.Command(
      `${name}-cloud-init-wait`,
      { create: target.apply((t) => cloudInitWaitCommand(t)), triggers: [args.dropletId] },
      { parent: this },
    );
    this.provider = new docker.Provider(
      `${name}-docker`,
      { host: target.apply((t) => dockerHost(t)), sshOpts: target.apply((t) => sshOptions(t)) },
      { parent: this, dependsOn: [this.ready] },
    );
    const networks: Partial<Record<NetworkName, docker.Network>> = {};
    for (const net of args.networks) {
      networks[net] = new docker.Network(
        `${name}-net-${net}`,
        {
          name: `titan-${net}`,
          driver: "bridge",
          // An internal network has no route off the host: postgres and redis cannot call out.
          internal: INTERNAL_NETWORKS.includes(net),
          attachable: false,
        },
        { parent: this, provider: this.provider, dependsOn: [this.ready] },
      );
    }
    this.networks = networks;
    this.registerOutputs({});
  }
}
