import { describe, expect, it } from "vitest";
import { plainInputs, runStack, T } from "../support/offline-stack";
import { validRawConfig } from "../support/stack-config";

interface Rule {
  protocol: string;
  portRange?: string;
  sourceAddresses?: string[];
  sourceTags?: string[];
  destinationAddresses?: string[];
  destinationTags?: string[];
}
const ANYWHERE = ["0.0.0.0/0", "::/0"];
const ALLOWLIST = ["203.0.113.10/32", "2001:db8:1234::/48"];

async function split() {
  const raw = validRawConfig("split");
  return runStack(raw.values, raw.secretKeys);
}

describe("split topology (prod) matches DESIGN.md §2", async () => {
  const run = await split();
  const { find } = run;
  const droplets = find.all(T.droplet).map((d) => ({ d, inputs: plainInputs(d) }));
  const tagsOf = (name: string) => droplets.find((x) => x.d.name === name)?.inputs.tags as string[];
  const firewall = (name: string) => plainInputs(find.one(T.firewall, name));
  const inbound = (name: string) => firewall(name).inboundRules as Rule[];

  it("has exactly an edge and a trading droplet, Ubuntu 24.04, in the VPC, keys only, monitoring on", () => {
    expect(droplets.map((x) => x.d.name).sort()).toEqual(["edge-droplet", "trading-droplet"]);
    const vpcId = find.one(T.vpc, "network-vpc").id;
    for (const { inputs } of droplets) {
      expect(inputs.image).toBe("ubuntu-24-04-x64");
      expect(inputs.vpcUuid).toBe(vpcId);
      expect(inputs.region).toBe("fra1");
      expect((inputs.sshKeys as string[]).length).toBe(1);
      expect(inputs.monitoring).toBe(true);
      expect(inputs.backups).toBe(true);
      // Daily, not the provider's weekly default (issue 11): a lost droplet comes back a day old.
      expect(inputs.backupPolicy).toEqual({ plan: "daily", hour: 4 });
      expect(inputs.userData).toMatch(/^#cloud-config/);
    }
    expect(plainInputs(find.one(T.vpc, "network-vpc")).ipRange).toBe("10.20.0.0/20");
  });

  it("tags each droplet with its role and the environment", () => {
    expect(tagsOf("edge-droplet")).toEqual(["titan-edge", "titan-env-prod"]);
    expect(tagsOf("trading-droplet")).toEqual(["titan-trading", "titan-env-prod"]);
  });

  it("covers each droplet with its own role's firewall, by tag", () => {
    expect(firewall("edge-firewall").tags).toEqual(["titan-edge"]);
    expect(firewall("trading-firewall").tags).toEqual(["titan-trading"]);
  });

  it("edge inbound: 80 and 443 from anywhere, 22 from the allow-list, nothing else", () => {
    expect(inbound("edge-firewall")).toEqual([
      { protocol: "tcp", portRange: "80", sourceAddresses: ANYWHERE },
      { protocol: "tcp", portRange: "443", sourceAddresses: ANYWHERE },
      { protocol: "tcp", portRange: "22", sourceAddresses: ALLOWLIST },
    ]);
  });

  it("trading inbound: only from the edge tag, on 22 and 3100 (the gateway); no public source at all", () => {
    const rules = inbound("trading-firewall");
    expect(rules.map((r) => r.portRange)).toEqual(["22", "3100"]);
    for (const r of rules) {
      expect(r.sourceTags).toEqual(["titan-edge"]);
      expect(r.sourceAddresses ?? []).toEqual([]);
    }
  });

  it("lists egress explicitly: DNS, NTP, HTTP(S) per role, and edge→trading by tag", () => {
    const edgeOut = firewall("edge-firewall").outboundRules as Rule[];
    const tradingOut = firewall("trading-firewall").outboundRules as Rule[];
    for (const out of [edgeOut, tradingOut]) {
      expect(out).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ protocol: "udp", portRange: "53" }),
          expect.objectContaining({ protocol: "udp", portRange: "123" }),
          expect.objectContaining({ protocol: "tcp", portRange: "443" }),
        ]),
      );
      for (const r of out) expect(r.portRange).toMatch(/^\d+$/);
    }
    expect(
      edgeOut.filter((r) => r.destinationTags?.includes("titan-trading")).map((r) => r.portRange),
    ).toEqual(["22", "3100"]);
    expect(tradingOut.some((r) => r.destinationTags)).toBe(false);
  });

  it("protects trading, ignores the fields that would replace it, and keeps its data volume", () => {
    const trading = find.one(T.droplet, "trading-droplet");
    expect(trading.options.protect).toBe(true);
    expect(trading.options.ignoreChanges).toEqual(expect.arrayContaining(["userData", "sshKeys", "image"]));
    const volume = find.one(T.volume, "trading-data");
    expect(volume.options.protect).toBe(true);
    expect(volume.options.retainOnDelete).toBe(true);
    const attachment = plainInputs(find.one(T.volumeAttachment, "trading-data-attachment"));
    expect(attachment.dropletId).toBe(Number(trading.id));
    expect(attachment.volumeId).toBe(volume.id);
    expect(find.one(T.droplet, "edge-droplet").options.protect).toBe(false);
  });

  it("gives the edge the reserved IP and points the DNS record at it", () => {
    const edge = find.one(T.droplet, "edge-droplet");
    const ip = find.one(T.reservedIp, "edge-ip");
    expect(plainInputs(ip).dropletId).toBe(Number(edge.id));
    const dns = plainInputs(find.one(T.dns, "console-dns"));
    expect(dns).toMatchObject({ domain: "titan.example", name: "helm", type: "A", value: ip.id });
  });

  it("holds every droplet and the volume in the DigitalOcean project, never the reserved IP (API reports do:floatingip: diff, 412)", () => {
    const resources = plainInputs(find.one(T.project, "project")).resources as string[];
    expect([...resources].sort()).toEqual(
      [
        ...droplets.map(({ d }) => `do:droplet:${d.id}`),
        `do:volume:${find.one(T.volume, "trading-data").id}`,
      ].sort(),
    );
  });

  it("outputs the pinned host keys and their SHA256 fingerprints for the out-of-band check", () => {
    const out = run.outputs as {
      hostKeyFingerprints: Record<string, string>;
      knownHosts: string;
      tradingPrivateAddress: string;
    };
    expect(Object.keys(out.hostKeyFingerprints).sort()).toEqual(["edge", "trading"]);
    for (const fp of Object.values(out.hostKeyFingerprints))
      expect(fp).toMatch(/^ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}$/);
    const edgeIp = find.one(T.reservedIp, "edge-ip").id;
    expect(out.knownHosts.split("\n").map((l) => l.split(" ")[0])).toEqual([
      edgeIp,
      out.tradingPrivateAddress,
      "",
    ]);
  });

  it("outputs addresses and SSH commands with the edge as jump host", () => {
    const out = run.outputs as Record<string, unknown>;
    const edgeIp = find.one(T.reservedIp, "edge-ip").id;
    const trading = plainInputs(find.one(T.droplet, "trading-droplet"));
    expect(out.edgeAddress).toBe(edgeIp);
    expect(out.tradingPrivateAddress).toMatch(/^10\.20\.\d+\.\d+$/);
    expect(out.tradingEgressIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(out.sshCommands).toEqual({
      edge: `ssh titan@${edgeIp}`,
      trading: `ssh -J titan@${edgeIp} titan@${out.tradingPrivateAddress}`,
    });
    expect(out.consoleUrl).toBe("https://helm.titan.example");
    expect(trading.name).toBe("titan-prod-trading");
  });

  it("outputs the trading host's pinned SSH target for the ops tools, the edge as pinned jump", () => {
    const out = run.outputs as {
      tradingSsh: { user: string; address: string; dropletId: string; hostKey: string; jump?: unknown };
      knownHosts: string;
      tradingPrivateAddress: string;
      edgeAddress: string;
    };
    const [edgeLine, tradingLine] = out.knownHosts.split("\n");
    expect(out.tradingSsh).toEqual({
      user: "titan",
      address: out.tradingPrivateAddress,
      dropletId: find.one(T.droplet, "trading-droplet").id,
      hostKey: tradingLine,
      jump: {
        user: "titan",
        address: out.edgeAddress,
        dropletId: find.one(T.droplet, "edge-droplet").id,
        hostKey: edgeLine,
      },
    });
  });
});

describe("single topology", async () => {
  const raw = validRawConfig("single");
  raw.values.manageDns = "false";
  const { find } = await runStack(raw.values, raw.secretKeys, "staging");

  it("has one protected droplet with the data volume and no DNS record", () => {
    const droplets = find.all(T.droplet);
    expect(droplets.map((d) => d.name)).toEqual(["single-droplet"]);
    expect(droplets[0]?.options.protect).toBe(true);
    expect(droplets[0]?.options.ignoreChanges).toEqual(
      expect.arrayContaining(["userData", "sshKeys", "image"]),
    );
    expect(find.all(T.volume).map((v) => v.name)).toEqual(["single-data"]);
    expect(find.all(T.dns)).toEqual([]);
  });

  it("has one firewall: 80/443 public, 22 allow-listed, nothing else", () => {
    const fws = find.all(T.firewall);
    expect(fws.map((f) => f.name)).toEqual(["single-firewall"]);
    const inputs = plainInputs(fws[0] as (typeof fws)[number]);
    expect(inputs.tags).toEqual(["titan-single"]);
    expect(inputs.inboundRules).toEqual([
      { protocol: "tcp", portRange: "80", sourceAddresses: ANYWHERE },
      { protocol: "tcp", portRange: "443", sourceAddresses: ANYWHERE },
      { protocol: "tcp", portRange: "22", sourceAddresses: ALLOWLIST },
    ]);
  });
});
