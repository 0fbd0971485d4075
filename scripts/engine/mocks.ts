import type * as pulumi from "@pulumi/pulumi";
import { RealisticState } from "./realistic-state";

type State = Record<string, unknown>;

/**
 * Obviously fake PEM-shaped text, made at run time. The label always starts with FAKE, so it can
 * neither be parsed as key material nor match a secret scanner's private-key pattern.
 */
function fakePem(label: string, seed: string): string {
  const body = Buffer.from(`offline placeholder ${RealisticState.digest(seed)}`).toString("base64");
  return `-----BEGIN FAKE ${label}-----\n${body}\n-----END FAKE ${label}-----\n`;
}

function fakeKeyPair(name: string): State {
  return {
    privateKeyPem: fakePem("OFFLINE EC KEY", `key:${name}`),
    publicKeyPem: fakePem("PUBLIC KEY", `pub:${name}`),
    publicKeyOpenssh: `ecdsa-sha2-nistp256 FAKE${RealisticState.digest(`ssh:${name}`, 32)} offline`,
  };
}

/**
 * @pulumi/command 1.x: `stdout` of a local command. The cloud-init wait prints the host key it
 * pinned at first contact (one known_hosts line for the host its script names); the fake key is
 * a well-formed ssh-ed25519 blob (type name, then 32 bytes), so fingerprints can be computed.
 */
function commandStdout(name: string, inputs: State): string {
  const host = /awk -v h='([^']+)'/.exec(String(inputs.create ?? ""))?.[1];
  if (!host) return "";
  const type = Buffer.from("ssh-ed25519");
  const blob = Buffer.alloc(4 + type.length + 4 + 32);
  blob.writeUInt32BE(type.length, 0);
  type.copy(blob, 4);
  blob.writeUInt32BE(32, 4 + type.length);
  Buffer.from(RealisticState.digest(`hostkey:${name}`, 64), "hex").copy(blob, 8 + type.length);
  return `${host} ssh-ed25519 ${blob.toString("base64")}\n`;
}

/** The random provider's keepers as seed text: empty without keepers, so those values never move. */
function keeperSeed(inputs: State): string {
  const keepers = inputs.keepers as Record<string, unknown> | undefined;
  if (!keepers || Object.keys(keepers).length === 0) return "";
  return `:${JSON.stringify(Object.entries(keepers).sort(([a], [b]) => a.localeCompare(b)))}`;
}

/** Outputs a real provider would add to a resource of each type, on top of its inputs. */
function providerOutputs(
  type: string,
  name: string,
  inputs: State,
  st: RealisticState,
): { id: string; extra: State } {
  switch (type) {
    case "digitalocean:index/droplet:Droplet": {
      const id = st.dropletId();
      return {
        id,
        extra: {
          dropletUrn: `do:droplet:${id}`,
          ipv4Address: st.publicAddress(),
          ipv4AddressPrivate: st.privateAddress(),
          status: "active",
          urn: `do:droplet:${id}`,
        },
      };
    }
    case "digitalocean:index/vpc:Vpc": {
      const id = RealisticState.uuid(`vpc:${name}`);
      return { id, extra: { urn: `do:vpc:${id}` } };
    }
    case "digitalocean:index/volume:Volume": {
      const id = RealisticState.uuid(`volume:${name}`);
      return { id, extra: { volumeUrn: `do:volume:${id}` } };
    }
    case "digitalocean:index/reservedIp:ReservedIp": {
      const ip = st.publicAddress();
      return { id: ip, extra: { ipAddress: ip, reservedIpUrn: `do:reservedip:${ip}` } };
    }
    case "digitalocean:index/tag:Tag":
      return { id: String(inputs.name ?? name), extra: {} };
    case "digitalocean:index/sshKey:SshKey": {
      const fp =
        RealisticState.digest(`ssh:${String(inputs.publicKey)}`, 32)
          .match(/../g)
          ?.join(":") ?? "";
      return {
        id: String(Number.parseInt(RealisticState.digest(`sshid:${name}`, 7), 16)),
        extra: { fingerprint: fp },
      };
    }
    case "digitalocean:index/project:Project":
      return { id: RealisticState.uuid(`project:${name}`), extra: {} };
    case "random:index/randomPassword:RandomPassword": {
      // Obviously fake, deterministic, and never a real secret: the offline run's labelled placeholder.
      // New keepers give a new value, as the provider's replacement does (a rotation epoch).
      const seed = `${name}${keeperSeed(inputs)}`;
      const fake = `offline-fake-${RealisticState.digest(`pw:${seed}`, 24)}`;
      return {
        id: "none",
        extra: {
          result: fake,
          bcryptHash: `$2a$10$${RealisticState.digest(`bc:${seed}`, 53).replace(/[^a-z0-9./]/g, "x")}`,
        },
      };
    }
    case "random:index/randomId:RandomId": {
      // Fake but well-formed: 2 hex characters per byte, as the provider returns.
      const bytes = Number(inputs.byteLength ?? 8);
      const hex = RealisticState.digest(`id:${name}${keeperSeed(inputs)}`, bytes * 2).replace(
        /[^0-9a-f]/g,
        "0",
      );
      return { id: hex, extra: { hex, b64Std: Buffer.from(hex, "hex").toString("base64") } };
    }
    case "docker:index/container:Container":
    case "docker:index/network:Network": {
      const id = RealisticState.digest(`${type}:${name}`);
      return { id, extra: { name: inputs.name ?? name } };
    }
    case "docker:index/volume:Volume":
      return {
        id: String(inputs.name ?? name),
        extra: { mountpoint: `/var/lib/docker/volumes/${String(inputs.name ?? name)}/_data` },
      };
    case "docker:index/remoteImage:RemoteImage": {
      const ref = String(inputs.name ?? name);
      const imageId = `sha256:${RealisticState.digest(`local-image:${ref}`)}`;
      return { id: `${imageId}${ref}`, extra: { imageId, repoDigest: ref } };
    }
    case "command:local:Command":
    case "command:remote:Command":
      return {
        id: `${name}-${RealisticState.digest(`cmd:${name}`, 8)}`,
        extra: { stdout: commandStdout(name, inputs), stderr: "" },
      };
    case "tls:index/privateKey:PrivateKey":
      return { id: RealisticState.digest(`key-id:${name}`, 40), extra: fakeKeyPair(name) };
    case "tls:index/selfSignedCert:SelfSignedCert":
    case "tls:index/locallySignedCert:LocallySignedCert":
      return {
        id: String(Number.parseInt(RealisticState.digest(`serial:${name}`, 12), 16)),
        extra: { certPem: fakePem("CERTIFICATE", `cert:${name}`), readyForRenewal: false },
      };
    case "tls:index/certRequest:CertRequest":
      return {
        id: RealisticState.digest(`csr-id:${name}`, 40),
        extra: { certRequestPem: fakePem("CERTIFICATE REQUEST", `csr:${name}`) },
      };
    default:
      return { id: `${name}-id`, extra: {} };
  }
}

/** Pulumi mocks whose outputs look like DigitalOcean's and Docker's. */
export function createOfflineMocks(vpcCidr: string): pulumi.runtime.Mocks {
  const st = new RealisticState(vpcCidr);
  return {
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: State } {
      const { id, extra } = providerOutputs(args.type, args.name, args.inputs as State, st);
      return { id, state: { ...(args.inputs as State), ...extra } };
    },
    call(args: pulumi.runtime.MockCallArgs): State {
      if (args.token === "docker:index/getRegistryImage:getRegistryImage") {
        const name = String((args.inputs as State).name ?? "");
        return {
          ...(args.inputs as State),
          sha256Digest: `sha256:${RealisticState.digest(`image:${name}`)}`,
        };
      }
      return args.inputs as State;
    },
  };
}
