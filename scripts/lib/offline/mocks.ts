import type * as pulumi from "@pulumi/pulumi";
import { RealisticState } from "./realistic-state";

type State = Record<string, unknown>;

/** Outputs a real provider would add to a resource of each type, on top of its inputs. */
function providerOutputs(type: string, name: string, inputs: State, st: RealisticState): { id: string; extra: State } {
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
      const fp = RealisticState.digest(`ssh:${String(inputs.publicKey)}`, 32).match(/../g)?.join(":") ?? "";
      return { id: String(Number.parseInt(RealisticState.digest(`sshid:${name}`, 7), 16)), extra: { fingerprint: fp } };
    }
    case "digitalocean:index/project:Project":
      return { id: RealisticState.uuid(`project:${name}`), extra: {} };
    case "random:index/randomPassword:RandomPassword": {
      // Obviously fake, deterministic, and never a real secret: the offline run's labelled placeholder.
      const fake = `offline-fake-${RealisticState.digest(`pw:${name}`, 24)}`;
      return {
        id: "none",
        extra: { result: fake, bcryptHash: `$2a$10$${RealisticState.digest(`bc:${name}`, 53).replace(/[^a-z0-9./]/g, "x")}` },
      };
    }
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
        return { ...(args.inputs as State), sha256Digest: `sha256:${RealisticState.digest(`image:${name}`)}` };
      }
      return args.inputs as State;
    },
  };
}
