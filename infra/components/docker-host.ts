import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import {
  cloudInitWaitScript,
  dockerHost,
  hostKeyFingerprint,
  parseHostKey,
  type SshHop,
  sshOptions,
} from "../builders/ssh-access";
import { INTERNAL_NETWORKS, type NetworkName } from "../model/services";

export interface DockerHostArgs {
  /** Who and where: resolved addresses (the edge's reserved IP, trading's VPC address). */
  target: pulumi.Input<{ user: string; address: string }>;
  /** A new droplet means a new first contact, a new pin and its own ControlPath. */
  dropletId: pulumi.Input<string>;
  /** The bastion for a host without public SSH: its pinned key checks the jump hop. */
  jump?: DockerHost;
  networks: readonly NetworkName[];
  /** Pull credentials for a private registry (`titan:registryAuth`): RemoteImage pulls use them. */
  registryAuth?: docker.types.input.ProviderRegistryAuth;
}

/**
 * One droplet's Docker daemon: a wait for cloud-init that pins the host key at first contact, a
 * Docker provider over SSH that verifies against that pin and is only configured after it, and
 * the per-tier networks. Everything created on this host depends on `ready`.
 */
export class DockerHost extends pulumi.ComponentResource {
  readonly provider: docker.Provider;
  readonly ready: command.local.Command;
  readonly networks: Readonly<Partial<Record<NetworkName, docker.Network>>>;
  /** The hop as ssh sees it (user, address, droplet id). */
  readonly hop: pulumi.Output<SshHop>;
  /** The pinned known_hosts line, from state. */
  readonly hostKey: pulumi.Output<string>;
  /** `type SHA256:…` of the pinned key, for the out-of-band check against the droplet console. */
  readonly hostKeyFingerprint: pulumi.Output<string>;

  constructor(name: string, args: DockerHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("titan:workloads:DockerHost", name, {}, opts);
    this.hop = pulumi
      .all([args.target, args.dropletId])
      .apply(([t, dropletId]) => ({ user: t.user, address: t.address, dropletId: String(dropletId) }));
    const jump = args.jump
      ? pulumi.all([args.jump.hop, args.jump.hostKey]).apply(([hop, hostKey]) => ({ ...hop, hostKey }))
      : pulumi.output(undefined);
    const target = pulumi.all([this.hop, jump]).apply(([hop, j]) => ({ ...hop, ...(j ? { jump: j } : {}) }));
    // The local ssh binary, not command.remote: it checks host keys, multiplexes and jumps exactly
    // as the Docker provider's ssh does.
    this.ready = new command.local.Command(
      `${name}-cloud-init-wait`,
      {
        create: target.apply((t) => cloudInitWaitScript(t)),
        interpreter: ["/bin/sh", "-c"],
        // The previous pin reaches a re-run as PULUMI_COMMAND_STDOUT (the script's seed).
        addPreviousOutputInEnv: true,
        triggers: [args.dropletId],
      },
      { parent: this, ...(args.jump ? { dependsOn: [args.jump.ready] } : {}) },
    );
    this.hostKey = pulumi.all([this.ready.stdout, this.hop]).apply(([out, hop]) => {
      const line = out.trim();
      parseHostKey(line, hop);
      return line;
    });
    this.hostKeyFingerprint = pulumi
      .all([this.hostKey, this.hop])
      .apply(([line, hop]) => hostKeyFingerprint(line, hop));
    const pinned = pulumi.all([target, this.hostKey]).apply(([t, hostKey]) => ({ ...t, hostKey }));
    this.provider = new docker.Provider(
      `${name}-docker`,
      {
        host: target.apply((t) => dockerHost(t)),
        sshOpts: pinned.apply((t) => sshOptions(t)),
        ...(args.registryAuth ? { registryAuth: [args.registryAuth] } : {}),
      },
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
    this.registerOutputs({ hostKeyFingerprint: this.hostKeyFingerprint });
  }
}
