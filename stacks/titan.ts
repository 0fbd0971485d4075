import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import { buildCloudInit } from "../infra/builders/cloud-init";
import { buildFirewallRules } from "../infra/builders/firewall-rules";
import type { PinnedHop, SshTarget } from "../infra/builders/ssh-access";
import { TitanAlerts } from "../infra/components/alerts";
import { pinnedTarget, TitanBackup } from "../infra/components/backup";
import { RoleFirewall } from "../infra/components/firewall";
import { TitanHost } from "../infra/components/host";
import { TitanNetwork } from "../infra/components/network";
import { TitanWorkloads } from "../infra/components/titan-workloads";
import { assertAlertsConfigured, assertBenchReplicasAllowed } from "../infra/config/parse";
import type { TitanConfig } from "../infra/config/schema";
import { assertServiceSecretsConfigured } from "../infra/model/secret-scope";
import { processLimitsFor, servicesFor } from "../infra/model/services";
import {
  dataVolumeName,
  envTag,
  PLANES_OF_ROLE,
  publicRole,
  type Role,
  rolesOf,
  STATEFUL_ROLES,
  tradingRole,
} from "../infra/model/topology";

/** Stack outputs. Addresses and commands only: no secret is ever an output. */
export interface TitanOutputs {
  edgeAddress: pulumi.Output<string>;
  tradingPrivateAddress: pulumi.Output<string>;
  tradingEgressIp: pulumi.Output<string>;
  sshCommands: pulumi.Output<{ edge: string; trading: string }>;
  consoleUrl: string;
  projectId: pulumi.Output<string>;
  /** SHA256 fingerprint of each host key pinned at first contact: check it on the droplet console. */
  hostKeyFingerprints: pulumi.Output<Record<string, string>>;
  /** The pinned known_hosts lines (from state), for an operator's own `ssh`. */
  knownHosts: pulumi.Output<string>;
  /**
   * How the ops tools reach the trading host: address, droplet id, pinned key, and the edge as the
   * pinned jump in split (public facts only), so `npm run restore-drill` checks host keys exactly
   * as `pulumi up` does, with no known_hosts file on the operator's machine.
   */
  tradingSsh: pulumi.Output<PinnedHop & SshTarget>;
}

function sizeFor(cfg: TitanConfig, role: Role): string {
  const size = cfg.sizes[role];
  if (!size) throw new Error(`titan:sizes has no size for role '${role}'`); // the schema refuses this first
  return size;
}

/**
 * One copy of the topology. `prefix` goes before every resource name ("" for the one real copy,
 * so its names and URNs never change); `label` stands for the stack in cloud-side names.
 */
interface TopologyCopy {
  prefix: string;
  label: string;
}

/**
 * Composes a whole Titan stack from validated config: one copy of the topology, or, on a `bench…`
 * stack with `titan:benchReplicas` N > 1, N independent copies named r1-…, rN-… (outputs of r1).
 */
export function composeTitanStack(cfg: TitanConfig, stack: string): TitanOutputs {
  assertBenchReplicasAllowed(cfg.benchReplicas, stack);
  assertAlertsConfigured(cfg.alertEmails, stack);
  assertServiceSecretsConfigured(
    servicesFor(cfg.topology, cfg.services).map((s) => s.name),
    cfg,
  );
  if (cfg.benchReplicas <= 1) return composeCopy(cfg, stack, { prefix: "", label: stack });
  const outputs: TitanOutputs[] = [];
  for (let i = 1; i <= cfg.benchReplicas; i++) {
    outputs.push(composeCopy(cfg, stack, { prefix: `r${i}-`, label: `${stack}-r${i}` }));
  }
  return outputs[0] as TitanOutputs;
}

function composeCopy(cfg: TitanConfig, stack: string, copy: TopologyCopy): TitanOutputs {
  const { prefix: p, label } = copy;
  const roles = rolesOf(cfg.topology);
  const network = new TitanNetwork(`${p}network`, {
    namePrefix: p,
    stack: label,
    region: cfg.region,
    vpcCidr: cfg.vpcCidr,
    roles,
    sshPublicKeys: cfg.sshPublicKeys,
  });

  const hosts = {} as Partial<Record<Role, TitanHost>>;
  for (const role of roles) {
    const stateful = STATEFUL_ROLES.includes(role);
    const volumeGb = role === tradingRole(cfg.topology) ? cfg.dataVolumeGb : undefined;
    const volumeName = volumeGb === undefined ? undefined : dataVolumeName(label);
    hosts[role] = new TitanHost(`${p}${role}`, {
      role,
      stack: label,
      region: cfg.region,
      size: sizeFor(cfg, role),
      vpcId: network.vpc.id,
      sshKeyFingerprints: network.sshKeys.map((k) => k.fingerprint),
      tags: [network.tagFor(role).name, network.envTag.name],
      userData: buildCloudInit({
        role,
        deployUser: cfg.deployUser,
        sshPublicKeys: cfg.sshPublicKeys,
        processLimits: processLimitsFor(cfg.topology, role),
        ...(volumeName ? { dataVolume: { deviceName: volumeName } } : {}),
      }),
      backups: cfg.backups,
      stateful,
      ...(volumeGb === undefined ? {} : { dataVolumeGb: volumeGb }),
    });
    new RoleFirewall(`${p}${role}`, {
      stack: label,
      role,
      targetTag: network.tagFor(role),
      referencedTags: Object.values(network.roleTags),
      rules: buildFirewallRules(role, cfg.sshAllowlist),
    });
  }

  const front = requireHost(hosts, publicRole(cfg.topology));
  const trading = requireHost(hosts, tradingRole(cfg.topology));
  const reservedIp = new digitalocean.ReservedIp(`${p}edge-ip`, {
    region: cfg.region,
    dropletId: front.droplet.id.apply(Number),
  });
  if (cfg.manageDns) {
    const { zone, name } = splitDomain(cfg.domain);
    new digitalocean.DnsRecord(`${p}console-dns`, {
      domain: zone,
      type: "A",
      name,
      value: reservedIp.ipAddress,
      ttl: 300,
    });
  }

  // The reserved IP is left out: the Projects API reports it as do:floatingip whatever URN is sent,
  // so every update shows a diff and re-assigning it fails with 412 (terraform-provider-digitalocean
  // issues 1031, 1264; 1455 shows the floatingip form re-assigned on every apply too).
  const projectResources: pulumi.Input<string>[] = Object.values(hosts).flatMap((h) => [
    h.droplet.dropletUrn,
    ...(h.volume ? [h.volume.volumeUrn] : []),
  ]);
  const project = new digitalocean.Project(`${p}project`, {
    name: `titan-${label}`,
    description: `Titan trading system, stack ${stack} (${cfg.topology}); tagged ${envTag(label)}`,
    purpose: "Trading system",
    environment: stack === "prod" ? "Production" : "Staging",
    resources: projectResources,
  });

  // Containers: the edge is reached on its reserved IP; trading (no public SSH) through the edge.
  const workloads = new TitanWorkloads(`${p}workloads`, {
    cfg,
    namePrefix: p,
    stack: label,
    tradingPrivateIp: trading.droplet.ipv4AddressPrivate,
    hosts:
      cfg.topology === "split"
        ? [
            {
              name: `${p}edge`,
              planes: PLANES_OF_ROLE.edge,
              dropletId: front.droplet.id,
              sshAddress: reservedIp.ipAddress,
            },
            {
              name: `${p}trading`,
              planes: PLANES_OF_ROLE.trading,
              dropletId: trading.droplet.id,
              sshAddress: trading.droplet.ipv4AddressPrivate,
              jumpAddress: reservedIp.ipAddress,
            },
          ]
        : [
            {
              name: `${p}single`,
              planes: PLANES_OF_ROLE.single,
              dropletId: front.droplet.id,
              sshAddress: reservedIp.ipAddress,
            },
          ],
  });

  // Off-host backups of the trading data, and alerts on every droplet and the console.
  const tradingDocker = workloads.dockerHosts[`${p}${tradingRole(cfg.topology)}`];
  const slack = cfg.alertSlackWebhook
    ? { url: cfg.alertSlackWebhook, channel: cfg.alertSlackChannel }
    : undefined;
  if (!tradingDocker) throw new Error(`no Docker host for the trading role in topology ${cfg.topology}`);
  const tradingSsh = pinnedTarget(
    tradingDocker,
    cfg.topology === "split" ? workloads.dockerHosts[`${p}edge`] : undefined,
  );
  new TitanBackup(`${p}backup`, {
    label,
    region: cfg.region,
    schedule: cfg.backupSchedule,
    retention: cfg.backupRetention,
    target: tradingSsh,
    ...(slack ? { slack } : {}),
    dependsOn: [workloads],
  });
  if (cfg.alertEmails.length > 0 || slack) {
    new TitanAlerts(`${p}alerts`, {
      label,
      dropletTag: network.envTag.name,
      consoleUrl: `https://${cfg.domain}`,
      emails: cfg.alertEmails,
      ...(slack ? { slack } : {}),
    });
  }

  const user = cfg.deployUser;
  const edgeAddress = reservedIp.ipAddress;
  const tradingPrivateAddress = trading.droplet.ipv4AddressPrivate;
  return {
    edgeAddress,
    tradingPrivateAddress,
    tradingEgressIp: trading.droplet.ipv4Address,
    sshCommands: pulumi.all([edgeAddress, tradingPrivateAddress]).apply(([edge, priv]) => ({
      edge: `ssh ${user}@${edge}`,
      trading: cfg.topology === "split" ? `ssh -J ${user}@${edge} ${user}@${priv}` : `ssh ${user}@${edge}`,
    })),
    consoleUrl: `https://${cfg.domain}`,
    projectId: project.id,
    hostKeyFingerprints: pulumi.all(
      Object.fromEntries(
        Object.entries(workloads.dockerHosts).map(([name, h]) => [
          name.slice(p.length),
          h.hostKeyFingerprint,
        ]),
      ),
    ),
    knownHosts: pulumi
      .all(Object.values(workloads.dockerHosts).map((h) => h.hostKey))
      .apply((lines) => `${lines.join("\n")}\n`),
    tradingSsh,
  };
}

function requireHost(hosts: Partial<Record<Role, TitanHost>>, role: Role): TitanHost {
  const host = hosts[role];
  if (!host) throw new Error(`no ${role} host in this topology`);
  return host;
}

/** "helm.example.com" → zone "example.com", record "helm"; an apex domain gets "@". */
export function splitDomain(domain: string): { zone: string; name: string } {
  const labels = domain.split(".");
  if (labels.length <= 2) return { zone: domain, name: "@" };
  return { zone: labels.slice(1).join("."), name: labels[0] ?? "@" };
}
