import { randomBytes } from "node:crypto";
import type { Topology } from "../../infra/model/topology";

export type { Topology };

/** Obviously fake secret values, made fresh in each test run. */
export function fakeOperatorSecrets(): Record<string, string> {
  const fake = (label: string) => `fake-${label}-${randomBytes(12).toString("hex")}`;
  return {
    bybitApiKey: fake("bybit-key"),
    bybitSecretKey: fake("bybit-secret"),
    masterPassword: fake("master-password"),
    // Read by scavenger at start (Titan's contract): required while it is deployed.
    bybitReadOnlyApiKey: fake("bybit-readonly-key"),
    bybitReadOnlySecretKey: fake("bybit-readonly-secret"),
    binanceReadOnlyApiKey: fake("binance-readonly-key"),
    binanceReadOnlySecretKey: fake("binance-readonly-secret"),
  };
}

/** A public key in OpenSSH form with a random (meaningless) body of the right shape. */
export function fakePublicKey(type: "ssh-ed25519" | "sk-ssh-ed25519@openssh.com" = "ssh-ed25519"): string {
  const str = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const parts = [str(Buffer.from(type)), str(randomBytes(32))];
  if (type.startsWith("sk-")) parts.push(str(Buffer.from("ssh:")));
  return `${type} ${Buffer.concat(parts).toString("base64")} test@example`;
}

/** Plain (non-secret) values of a valid stack, bare keys, as the engine passes them (JSON for structures). */
export function validPlainValues(topology: Topology = "split"): Record<string, string> {
  return {
    region: "fra1",
    topology,
    vpcCidr: "10.20.0.0/20",
    sshAllowlist: JSON.stringify(["203.0.113.10/32", "2001:db8:1234::/48"]),
    sshPublicKeys: JSON.stringify([fakePublicKey()]),
    domain: "helm.titan.example",
    acmeEmail: "ops@titan.example",
    alertEmails: JSON.stringify(["ops@titan.example"]),
    manageDns: "true",
    sizes: JSON.stringify(
      topology === "split" ? { edge: "s-1vcpu-2gb", trading: "s-4vcpu-8gb" } : { single: "s-4vcpu-8gb" },
    ),
    dataVolumeGb: "50",
    release: "a7c05a02b5f1f70887c1bb8716e36954bff49c21",
    rotationEpoch: "2026-Q4",
    backups: "true",
  };
}

/** A full valid raw config: plain values plus fake secrets marked secret. */
export function validRawConfig(topology: Topology = "split") {
  const secrets = fakeOperatorSecrets();
  return {
    values: { ...validPlainValues(topology), ...secrets },
    secretKeys: new Set(Object.keys(secrets)),
    secrets,
  };
}

/** The same, as full engine keys (`titan:region`), for runs under mocks. */
export function engineConfig(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`titan:${k}`, v]));
}

/** The DigitalOcean provider's config as the engine passes it (full keys), with its secret keys. */
export interface ProviderConfig {
  values: Record<string, string>;
  secretKeys: string[];
}

/** Obviously fake Spaces credentials, set as `pulumi config set` would (the secret key encrypted). */
export function fakeProviderConfig(): ProviderConfig {
  return {
    values: {
      "digitalocean:spacesAccessId": `FAKESPACESID${randomBytes(6).toString("hex").toUpperCase()}`,
      "digitalocean:spacesSecretKey": `fake-spaces-secret-${randomBytes(12).toString("hex")}`,
    },
    secretKeys: ["digitalocean:spacesSecretKey"],
  };
}
