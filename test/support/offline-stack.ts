import { readStackConfig } from "../../infra/config/read";
import { unwrapSecrets } from "../../scripts/engine/redact";
import { type RegisteredResource, runProgramOffline } from "../../scripts/engine/run-program";
import { composeTitanStack } from "../../stacks/titan";
import { engineConfig, fakeProviderConfig, type ProviderConfig } from "./stack-config";

/**
 * Runs the whole program under mocks, as `pulumi up` would, from bare-key config values; the
 * DigitalOcean provider's own config (full keys) is fake Spaces credentials unless given.
 */
export async function runStack(
  values: Record<string, string>,
  secretKeys: Iterable<string>,
  stack = "prod",
  provider: ProviderConfig = fakeProviderConfig(),
) {
  const run = await runProgramOffline({
    project: "titan-infra",
    stack,
    config: { ...engineConfig(values), ...provider.values },
    secretKeys: [...[...secretKeys].map((k) => `titan:${k}`), ...provider.secretKeys],
    vpcCidr: values.vpcCidr ?? "10.20.0.0/20",
    program: () => composeTitanStack(readStackConfig(), stack),
  });
  return { ...run, find: finder(run.resources) };
}

/** Inputs with secret envelopes removed, for property assertions. */
export const plainInputs = (r: RegisteredResource) => unwrapSecrets(r.inputs) as Record<string, unknown>;

function finder(resources: RegisteredResource[]) {
  return {
    all: (type: string) => resources.filter((r) => r.type === type),
    one(type: string, name: string): RegisteredResource {
      const r = resources.find((x) => x.type === type && x.name === name);
      if (!r) throw new Error(`no ${type} named ${name}; have ${resources.map((x) => x.name).join(", ")}`);
      return r;
    },
    byUrn(urn: string): RegisteredResource | undefined {
      return resources.find((r) => r.urn === urn);
    },
  };
}

export const T = {
  droplet: "digitalocean:index/droplet:Droplet",
  firewall: "digitalocean:index/firewall:Firewall",
  vpc: "digitalocean:index/vpc:Vpc",
  tag: "digitalocean:index/tag:Tag",
  volume: "digitalocean:index/volume:Volume",
  volumeAttachment: "digitalocean:index/volumeAttachment:VolumeAttachment",
  reservedIp: "digitalocean:index/reservedIp:ReservedIp",
  dns: "digitalocean:index/dnsRecord:DnsRecord",
  project: "digitalocean:index/project:Project",
  sshKey: "digitalocean:index/sshKey:SshKey",
} as const;
