import type { GraphResource } from "../../../scripts/bench/deploy-graph";

const urn = (type: string, name: string) => `urn:pulumi:bench::titan-infra::${type}::${name}`;
export const T = {
  droplet: "digitalocean:index/droplet:Droplet",
  firewall: "digitalocean:index/firewall:Firewall",
  volume: "digitalocean:index/volume:Volume",
  wait: "command:local:Command",
  provider: "pulumi:providers:docker",
  image: "docker:index/remoteImage:RemoteImage",
  container: "docker:index/container:Container",
  host: "titan:infra:Host",
} as const;

export function res(
  type: string,
  name: string,
  deps: string[] = [],
  extra: Partial<GraphResource> = {},
): GraphResource {
  return {
    urn: urn(type, name),
    type,
    name,
    custom: !type.startsWith("titan:"),
    options: {},
    dependencies: deps,
    ...extra,
  };
}

/** Two hosts, each: droplet → cloud-init wait → docker provider → image → container. */
export function twoHosts(opts: { crossHostWait?: boolean; chainedDroplets?: boolean } = {}): GraphResource[] {
  const out: GraphResource[] = [];
  const fw = res(T.firewall, "edge-firewall");
  const vol = res(T.volume, "trading-data");
  out.push(fw, vol);
  const waits: Record<string, GraphResource> = {};
  for (const host of ["edge", "trading"]) {
    const hostComponent = res(T.host, host);
    const dropletDeps = host === "trading" && opts.chainedDroplets ? [urn(T.droplet, "edge-droplet")] : [];
    const droplet = res(T.droplet, `${host}-droplet`, dropletDeps, {
      options: { parent: hostComponent.urn },
    });
    const wait = res(T.wait, `${host}-cloud-init-wait`, [droplet.urn]);
    waits[host] = wait;
    const provider = res(T.provider, `${host}-docker`, [wait.urn]);
    const providerRef = { options: { provider: `${provider.urn}::${host}-id` } };
    const image = res(T.image, `${host}-app-image`, [wait.urn], {
      ...providerRef,
      inputs: { name: host === "edge" ? "traefik@sha256:aa" : "ghcr.io/x/titan-brain@sha256:bb" },
    });
    out.push(hostComponent, droplet, wait, provider, image);
  }
  for (const host of ["edge", "trading"]) {
    const own = waits[host] as GraphResource;
    const other = waits[host === "edge" ? "trading" : "edge"] as GraphResource;
    const deps = [
      own.urn,
      urn(T.image, `${host}-app-image`),
      ...(opts.crossHostWait && host === "edge" ? [other.urn] : []),
    ];
    out.push(
      res(T.container, `${host}-app`, deps, {
        options: { provider: `${urn(T.provider, `${host}-docker`)}::id` },
      }),
    );
  }
  return out;
}
