// The one route the proxy may take towards brain: the console's brain paths, to the brain gateway
// on its https port, with mutual TLS. Every router that can send a request to a service on a brain
// port (directly, or through weighted/mirroring/failover services) must match only paths under
// `brainPathPrefixes`, and nothing on the way may rewrite the path out of them.
import { flagSet } from "./docker";
import { asArray, asText, isRecord, type PropertyBag } from "./props";
import { dig } from "./traefik";
import { parseServerUrl } from "./traefik-backend";
import {
  localRef,
  type MiddlewareUse,
  reaches,
  routerEntryPoints,
  routerMiddlewares,
  type TraefikModel,
} from "./traefik-model";
import {
  describeMatcher,
  isPlainPath,
  parseRule,
  pathMatchers,
  restrictsPath,
  withinPrefixes,
} from "./traefik-rule";

export interface BrainRouteConfig {
  readonly brainPathPrefixes: readonly string[];
  readonly brainBackendPorts: readonly number[];
}

/** Path-rewriting middlewares whose output this pack does not model: refused on brain routes. */
const REWRITERS = ["replacePath", "replacePathRegex", "addPrefix", "stripPrefixRegex", "plugin", "chain"];
/** Entry-point settings that let an encoded or dot-segment path slip past a prefix match. */
const ENCODED = ["allowEncodedSlash", "allowEncodedBackSlash", "allowEncodedPercent"];

function transportProblems(model: TraefikModel, service: PropertyBag): string[] {
  const ref = dig(service, "loadBalancer", "serversTransport");
  const name = localRef(ref);
  const transport = name === undefined ? undefined : model.transports.get(name);
  if (transport === undefined) {
    const which =
      ref === undefined
        ? "no serversTransport"
        : `serversTransport '${String(ref)}', which is not defined in http.serversTransports`;
    return [
      `it has ${which}, so Traefik presents no client certificate. Fix: reference an http.serversTransports entry with rootCAs and certificates (certFile, keyFile)`,
    ];
  }
  const problems: string[] = [];
  const certificates = asArray(dig(transport, "certificates"));
  const complete = certificates.filter((c) => asText(dig(c, "certFile")) && asText(dig(c, "keyFile")));
  if (certificates.length === 0 || complete.length !== certificates.length) {
    problems.push(
      `serversTransport '${name}' has no complete client certificate (certificates: [{certFile, keyFile}]), so the gateway cannot require mutual TLS. Fix: add the proxy's client certificate`,
    );
  }
  if (flagSet(dig(transport, "insecureSkipVerify"))) {
    problems.push(
      `serversTransport '${name}' sets insecureSkipVerify, so any certificate passes as the gateway's. Fix: remove it and set rootCAs to the stack CA`,
    );
  }
  return problems;
}

/** Follows the rule's path values through the router's middlewares; reports any that could leave the prefixes. */
function rewriteProblems(uses: MiddlewareUse[], values: string[]): string[] {
  const problems: string[] = [];
  let paths = [...values];
  for (const use of uses) {
    if (use.definition === undefined) {
      problems.push(
        `middleware '${use.ref}' is not defined in the file provider, so what it does to the path cannot be checked. Fix: define it in the dynamic config or remove it`,
      );
      continue;
    }
    const kind = Object.keys(use.definition).find((k) =>
      REWRITERS.some((r) => r.toLowerCase() === k.toLowerCase()),
    );
    if (kind !== undefined) {
      problems.push(
        `middleware '${use.ref}' (${kind}) rewrites the path, so the request can reach brain outside the allowed prefixes. Fix: use only stripPrefix of a leading segment such as /api`,
      );
      continue;
    }
    const strip = dig(use.definition, "stripPrefix");
    if (strip === undefined) continue;
    // Traefik trims each prefix; one that is not text (true, false) never matches a path.
    const prefixes = asArray(dig(strip, "prefixes"))
      .map(asText)
      .filter((p): p is string => p !== undefined);
    paths = paths.map((path) => {
      // Traefik strips the first listed prefix the path starts with ('' strips nothing and stops
      // the search), then restores a leading slash.
      // A prefix longer than the path applies to requests under it, leaving nothing of the path.
      const prefix = prefixes.find((p) => path.startsWith(p) || p.startsWith(path));
      if (prefix === undefined) return path;
      const rest = path.slice(prefix.length);
      const boundary = prefix.endsWith("/") || rest.startsWith("/");
      if (!boundary || rest.replace(/^\/+/, "") === "") {
        problems.push(
          `middleware '${use.ref}' strips '${prefix}' from '${path}', which turns an allowed path into any path below it. Fix: strip only a leading segment the allowed prefixes share, such as /api`,
        );
        return path;
      }
      return rest.startsWith("/") ? rest : `/${rest}`;
    });
  }
  return problems;
}

function entryPointProblems(model: TraefikModel, router: PropertyBag): string[] {
  const problems: string[] = [];
  for (const ep of routerEntryPoints(router, model.staticDoc)) {
    const http = dig(model.staticDoc, "entryPoints", ep, "http");
    const sanitize = dig(http, "sanitizePath");
    if (sanitize !== undefined && sanitize !== true)
      problems.push(
        `entry point '${ep}' sets sanitizePath: ${String(sanitize)}, so /allowed/../other matches an allowed prefix. Fix: remove it`,
      );
    for (const key of ENCODED.filter((k) => flagSet(dig(http, "encodedCharacters", k))))
      problems.push(
        `entry point '${ep}' sets encodedCharacters.${key}, so an encoded path can match an allowed prefix and be decoded behind it. Fix: remove it`,
      );
  }
  return problems;
}

function routerProblems(model: TraefikModel, router: PropertyBag, allowed: readonly string[]): string[] {
  const syntax =
    asText(dig(router, "ruleSyntax")) || asText(dig(model.staticDoc, "core", "defaultRuleSyntax")) || "v3";
  if (syntax.toLowerCase() !== "v3")
    return [
      `it uses rule syntax '${syntax}' (v2 matchers take several values and {name:regexp} patterns). Fix: use the v3 syntax`,
    ];
  const text = asText(dig(router, "rule")) ?? "";
  const parsed = parseRule(text);
  if (!parsed.ok)
    return [
      `its rule '${text}' cannot be parsed (${parsed.error}). Fix: write Host(\`d\`) && (PathPrefix(\`/a\`) || PathPrefix(\`/b\`))`,
    ];
  const problems: string[] = [];
  const values: string[] = [];
  for (const m of pathMatchers(parsed.rule)) {
    if (!m.negated && m.name !== "PathRegexp" && withinPrefixes(m.value, allowed)) values.push(m.value);
    else
      problems.push(
        `its rule has ${describeMatcher(m)}, which is not a Path/PathPrefix inside brainPathPrefixes (${allowed.join(", ")}). Fix: match only the allowed prefixes`,
      );
  }
  if (problems.length === 0 && !restrictsPath(parsed.rule, allowed))
    problems.push(
      `its rule '${text}' can match paths outside brainPathPrefixes (a branch with no allowed Path/PathPrefix). Fix: AND every branch with an allowed PathPrefix`,
    );
  return [
    ...problems,
    ...rewriteProblems(routerMiddlewares(model, router), values),
    ...entryPointProblems(model, router),
  ];
}

export function brainRouteProblems(model: TraefikModel, config: BrainRouteConfig): string[] {
  const problems: string[] = [];
  const allowed = config.brainPathPrefixes.filter((p) => isPlainPath(p) && p !== "/");
  for (const bad of config.brainPathPrefixes.filter((p) => !allowed.includes(p)))
    problems.push(
      `brainPathPrefixes entry '${bad}' is not a plain path below / (no dot segments, encoding or templates), so it is ignored. Fix: list prefixes such as /api/auth`,
    );
  for (const [name, service] of model.services) {
    const servers = asArray(dig(service, "loadBalancer", "servers")).map((s) =>
      parseServerUrl(dig(s, "url")),
    );
    const brain = servers.filter((s) => s.ok && config.brainBackendPorts.includes(s.port));
    if (brain.length === 0) continue;
    const label = `http service '${name}' (brain port ${config.brainBackendPorts.join("/")})`;
    const own: string[] = [];
    if (brain.some((s) => s.ok && s.scheme !== "https"))
      own.push(
        "a server is not https, so the hop to the gateway is plain text. Fix: use https://<private-ip>:3100",
      );
    own.push(...transportProblems(model, service));
    for (const router of model.httpRouters) {
      const ref = localRef(dig(router.value, "service"));
      if (ref === undefined || !reaches(model, ref, name)) continue;
      own.push(...routerProblems(model, router.value, allowed).map((p) => `router '${router.name}': ${p}`));
    }
    for (const [mwName, middleware] of model.middlewares) {
      const ref = localRef(dig(middleware, "errors", "service"));
      if (ref !== undefined && reaches(model, ref, name))
        own.push(
          `middleware '${mwName}' (errors) sends error pages to it with a query no router rule limits. Fix: serve error pages from another service`,
        );
    }
    problems.push(...own.map((p) => `${label}: ${p}`));
  }
  return problems;
}

/** forwardAuth sends every request it guards to its address: judged like a server URL. */
export function forwardAuthAddresses(model: TraefikModel): { name: string; address: unknown }[] {
  return [...model.middlewares]
    .filter(([, mw]) => isRecord(dig(mw, "forwardAuth")))
    .map(([name, mw]) => ({ name, address: dig(mw, "forwardAuth", "address") }));
}
