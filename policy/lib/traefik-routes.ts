// Where the dynamic config sends traffic: every server and forwardAuth address readable and off
// the internal ports (brain's only through a brain route, judged in traefik-brain.ts), and every
// router on the https port terminating TLS.
import { asArray, asText, isRecord, type PropertyBag } from "./props";
import { dig, entries } from "./traefik";
import { type BackendTarget, parseServerAddress, parseServerUrl } from "./traefik-backend";
import { forwardAuthAddresses } from "./traefik-brain";
import { routerEntryPoints, type TraefikModel, tlsPortEntryPoints } from "./traefik-model";

export interface BackendPorts {
  readonly forbiddenBackendPorts: readonly number[];
  readonly brainBackendPorts: readonly number[];
}

/** Shows a target without any credentials it carries. */
const shown = (value: unknown) =>
  String(asText(value) ?? JSON.stringify(value)).replace(/\/\/[^/@]*@/, "//***@");

export function backendProblems(
  model: TraefikModel,
  dynamics: readonly PropertyBag[],
  config: BackendPorts,
): string[] {
  const problems: string[] = [];
  const judge = (what: string, target: unknown, parsed: BackendTarget, brainAllowed: boolean) => {
    if (!parsed.ok) {
      const form = /^(tcp|udp) /.test(what) ? "host:port" : "scheme://host:port";
      problems.push(
        `${what} points at '${shown(target)}', which cannot be read (${parsed.reason}), so where it leads cannot be checked. Fix: write a literal ${form}`,
      );
    } else if (config.forbiddenBackendPorts.includes(parsed.port)) {
      problems.push(
        `${what} routes to ${shown(target)}, port ${parsed.port} (an internal port: execution, brain WebSocket, NATS, Postgres, Redis). Fix: the proxy must never route there`,
      );
    } else if (!brainAllowed && config.brainBackendPorts.includes(parsed.port)) {
      problems.push(
        `${what} routes to ${shown(target)}, port ${parsed.port} (brain), where no path rule can limit what it reaches. Fix: reach brain only through an http router on brainPathPrefixes`,
      );
    }
  };
  for (const doc of dynamics) {
    for (const [name, service] of entries(dig(doc, "http", "services"))) {
      for (const server of asArray(dig(service, "loadBalancer", "servers"))) {
        const url = dig(server, "url");
        judge(`http service '${name}'`, url, parseServerUrl(url), true);
      }
    }
    for (const protocol of ["tcp", "udp"]) {
      for (const [name, service] of entries(dig(doc, protocol, "services"))) {
        for (const server of asArray(dig(service, "loadBalancer", "servers"))) {
          const address = dig(server, "address");
          judge(`${protocol} service '${name}'`, address, parseServerAddress(address), false);
        }
      }
    }
  }
  for (const { name, address } of forwardAuthAddresses(model))
    judge(`forwardAuth middleware '${name}'`, address, parseServerUrl(address), false);
  return problems;
}

/** Every router on a 443 entry point terminates TLS, unless the entry point does it for all. */
export function httpsEntryPointProblems(model: TraefikModel): string[] {
  const problems: string[] = [];
  for (const ep of tlsPortEntryPoints(model.staticDoc)) {
    const entryPointTls = isRecord(dig(ep.value, "http", "tls"));
    const routers = [
      ...model.httpRouters.filter(() => !entryPointTls).map((r) => ({ ...r, protocol: "http" })),
      // entryPoints.<ep>.http.tls does not apply to TCP routers.
      ...model.tcpRouters.map((r) => ({ ...r, protocol: "tcp" })),
    ];
    for (const router of routers) {
      if (!routerEntryPoints(router.value, model.staticDoc).includes(ep.name)) continue;
      if (isRecord(dig(router.value, "tls"))) continue;
      problems.push(
        `${router.protocol} router '${router.name}' listens on entry point '${ep.name}' (port 443) without tls, so it serves plain text on the https port. Fix: add tls to the router, or entryPoints.${ep.name}.http.tls`,
      );
    }
  }
  return problems;
}
