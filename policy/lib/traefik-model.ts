// The dynamic config as Traefik assembles it: every file the file provider loads merged into one
// set of routers, services, middlewares and servers transports, and the references between them.
import { asArray, asText, isRecord, type PropertyBag } from "./props";
import { addressPort, dig, entries } from "./traefik";

export interface Named {
  readonly name: string;
  readonly value: PropertyBag;
}

export interface TraefikModel {
  readonly staticDoc: PropertyBag;
  readonly httpRouters: readonly Named[];
  readonly tcpRouters: readonly Named[];
  readonly services: ReadonlyMap<string, PropertyBag>;
  readonly middlewares: ReadonlyMap<string, PropertyBag>;
  readonly transports: ReadonlyMap<string, PropertyBag>;
}

function named(dynamics: readonly PropertyBag[], ...keys: string[]): Named[] {
  return dynamics.flatMap((doc) =>
    entries(dig(doc, ...keys)).map(([name, value]) => ({ name, value: isRecord(value) ? value : {} })),
  );
}

const byName = (list: Named[]) => new Map(list.map((n) => [n.name, n.value]));

/**
 * Names defined in more than one file. Traefik's file provider keeps one of them (the first file
 * read) and this model the last, so a duplicate could hide the definition Traefik uses.
 */
export function duplicateNames(dynamics: readonly PropertyBag[]): string[] {
  const sections = [
    ["http", "routers"],
    ["http", "services"],
    ["http", "middlewares"],
    ["http", "serversTransports"],
    ["tcp", "routers"],
    ["tcp", "services"],
    ["udp", "routers"],
    ["udp", "services"],
  ];
  return sections.flatMap((keys) => {
    const names = named(dynamics, ...keys).map((n) => n.name);
    const repeated = names.filter((name, i) => names.indexOf(name) !== i);
    return [...new Set(repeated)].map((name) => `${keys.join(".")}.${name}`);
  });
}

export function buildModel(staticDoc: PropertyBag, dynamics: readonly PropertyBag[]): TraefikModel {
  return {
    staticDoc,
    httpRouters: named(dynamics, "http", "routers"),
    tcpRouters: named(dynamics, "tcp", "routers"),
    services: byName(named(dynamics, "http", "services")),
    middlewares: byName(named(dynamics, "http", "middlewares")),
    transports: byName(named(dynamics, "http", "serversTransports")),
  };
}

/**
 * The name a reference resolves to inside the file provider: `x` and `x@file` are the file
 * provider's `x`; `x@internal`, `x@docker` and non-strings belong elsewhere (undefined).
 */
export function localRef(ref: unknown): string | undefined {
  const text = asText(ref);
  if (text === undefined || text === "") return undefined;
  const at = text.lastIndexOf("@");
  if (at < 0) return text;
  return text.slice(at + 1).toLowerCase() === "file" ? text.slice(0, at) : undefined;
}

/** Services a weighted, mirroring or failover service sends requests to. */
export function serviceChildren(service: PropertyBag): unknown[] {
  return [
    ...asArray(dig(service, "weighted", "services")).map((s) => dig(s, "name")),
    dig(service, "mirroring", "service"),
    ...asArray(dig(service, "mirroring", "mirrors")).map((m) => dig(m, "name")),
    dig(service, "failover", "service"),
    dig(service, "failover", "fallback"),
  ].filter((ref) => ref !== undefined);
}

/** Whether requests sent to service `from` can end up at service `target` (cycles guarded). */
export function reaches(
  model: TraefikModel,
  from: string,
  target: string,
  seen: Set<string> = new Set(),
): boolean {
  if (from === target) return true;
  if (seen.has(from)) return false;
  seen.add(from);
  const service = model.services.get(from);
  if (service === undefined) return false;
  return serviceChildren(service).some((child) => {
    const ref = localRef(child);
    return ref !== undefined && reaches(model, ref, target, seen);
  });
}

/** Entry points a router listens on: its own list, else the `asDefault` ones, else every one. */
export function routerEntryPoints(router: PropertyBag, staticDoc: PropertyBag): string[] {
  const own = asArray(dig(router, "entryPoints"))
    .map(asText)
    .filter((s): s is string => s !== undefined && s !== "");
  if (own.length > 0) return own;
  const all = entries(dig(staticDoc, "entryPoints"));
  const defaults = all.filter(([, ep]) => dig(ep, "asDefault") === true);
  return (defaults.length > 0 ? defaults : all).map(([name]) => name);
}

/** Entry points that listen on 443 (by address, or the conventional name websecure). */
export function tlsPortEntryPoints(staticDoc: PropertyBag): Named[] {
  return entries(dig(staticDoc, "entryPoints"))
    .filter(([name, ep]) => name === "websecure" || addressPort(asText(dig(ep, "address")) ?? "") === 443)
    .map(([name, ep]) => ({ name, value: isRecord(ep) ? ep : {} }));
}

export interface MiddlewareUse {
  readonly ref: string;
  /** undefined when the reference does not resolve to a middleware in the file provider. */
  readonly definition: PropertyBag | undefined;
}

/**
 * The middlewares a request through this router passes, in order: the entry points' own
 * (`entryPoints.<ep>.http.middlewares`) first, then the router's, chains expanded.
 */
export function routerMiddlewares(model: TraefikModel, router: PropertyBag): MiddlewareUse[] {
  const fromEntryPoints = routerEntryPoints(router, model.staticDoc).flatMap((ep) =>
    asArray(dig(model.staticDoc, "entryPoints", ep, "http", "middlewares")),
  );
  const uses: MiddlewareUse[] = [];
  const expand = (refs: unknown[], seen: Set<string>) => {
    for (const raw of refs) {
      const ref = asText(raw) ?? String(raw);
      const name = localRef(raw);
      const definition = name === undefined ? undefined : model.middlewares.get(name);
      const chain = dig(definition, "chain", "middlewares");
      if (name !== undefined && definition !== undefined && chain !== undefined && !seen.has(name)) {
        expand(asArray(chain), new Set([...seen, name]));
      } else {
        uses.push({ ref, definition });
      }
    }
  };
  expand([...fromEntryPoints, ...asArray(dig(router, "middlewares"))], new Set());
  return uses;
}
