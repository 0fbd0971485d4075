import type { StackValidationPolicy } from "@pulumi/policy";
import { numberList, stringList, withDefaults } from "../lib/config";
import {
  CONTAINER_TYPE,
  containerCommand,
  containerName,
  effectiveUploads,
  isConfigCarrier,
  type Upload,
} from "../lib/docker";
import { resourceLabel } from "../lib/firewall";
import { asArray, asText, type PropertyBag } from "../lib/props";
import { addressPort, dig, entries, parseYamlDocument } from "../lib/traefik";
import { brainRouteProblems } from "../lib/traefik-brain";
import { chooseStatic, launchProblems, STATIC_NAME } from "../lib/traefik-launch";
import { buildModel, duplicateNames } from "../lib/traefik-model";
import { backendProblems, httpsEntryPointProblems } from "../lib/traefik-routes";

interface Config {
  proxyContainers: string[];
  forbiddenBackendPorts: number[];
  brainBackendPorts: number[];
  brainPathPrefixes: string[];
}

const DEFAULTS: Config = {
  proxyContainers: ["traefik"],
  // Execution, brain's WebSocket server, NATS client and monitor, Postgres, Redis: never a backend.
  forbiddenBackendPorts: [3002, 3101, 4222, 8222, 5432, 6379],
  // The brain gateway's port: reachable only on the console's brain paths, over mTLS.
  brainBackendPorts: [3100],
  brainPathPrefixes: ["/api/auth", "/api/operator", "/api/config", "/api/ws/console"],
};
const CONFIG_FILE = /\.(ya?ml|toml)$/i;

function textOf(value: unknown): string {
  return asText(value) ?? "";
}

function staticProblems(doc: PropertyBag, command: string[]): string[] {
  const problems: string[] = [];
  const api = dig(doc, "api");
  if (dig(api, "insecure") === true)
    problems.push("api.insecure is true, which serves the API unauthenticated on :8080. Fix: remove it");
  // Traefik turns the dashboard on by default once an api section exists.
  if (api !== undefined && api !== null && dig(api, "dashboard") !== false) {
    problems.push("the API dashboard is enabled. Fix: set api.dashboard: false or remove the api section");
  }
  for (const flag of command) {
    if (/^--api\.(insecure|dashboard)(=true)?$/i.test(flag))
      problems.push(`command flag ${flag} enables the API. Fix: remove it`);
    if (/^--api(=true)?$/i.test(flag))
      problems.push(`command flag ${flag} enables the API dashboard. Fix: remove it`);
    if (/^--providers\.(?!file)/i.test(flag))
      problems.push(
        `command flag ${flag} enables a provider other than file. Fix: use the file provider only`,
      );
  }
  for (const [provider] of entries(dig(doc, "providers"))) {
    if (provider.toLowerCase() !== "file")
      problems.push(`provider '${provider}' is enabled. Fix: use the file provider only (no Docker socket)`);
  }
  return problems;
}

interface WebEntryPoint {
  readonly name: string;
  readonly redirects: boolean;
}

function webEntryPoints(doc: PropertyBag): WebEntryPoint[] {
  return entries(dig(doc, "entryPoints"))
    .filter(([name, ep]) => name === "web" || addressPort(textOf(dig(ep, "address"))) === 80)
    .map(([name, ep]) => {
      const redirect = dig(ep, "http", "redirections", "entryPoint");
      const scheme = textOf(dig(redirect, "scheme")) || (dig(redirect, "to") !== undefined ? "https" : "");
      return { name, redirects: scheme.toLowerCase() === "https" };
    });
}

function redirectMiddlewares(dynamics: readonly PropertyBag[]): Set<string> {
  const names = new Set<string>();
  for (const doc of dynamics) {
    for (const [name, middleware] of entries(dig(doc, "http", "middlewares"))) {
      if (textOf(dig(middleware, "redirectScheme", "scheme")).toLowerCase() === "https") names.add(name);
    }
  }
  return names;
}

function redirectProblems(staticDoc: PropertyBag, dynamics: readonly PropertyBag[]): string[] {
  const problems: string[] = [];
  const redirecting = redirectMiddlewares(dynamics);
  for (const entryPoint of webEntryPoints(staticDoc).filter((ep) => !ep.redirects)) {
    const routers = dynamics.flatMap((doc) => entries(dig(doc, "http", "routers")));
    const onWeb = routers.filter(([, router]) => {
      const eps = asArray(dig(router, "entryPoints")).map(textOf);
      return eps.length === 0 || eps.includes(entryPoint.name);
    });
    const unredirected = onWeb.filter(([, router]) => {
      const middlewares = asArray(dig(router, "middlewares")).map((m) => textOf(m).replace(/@.*$/, ""));
      return !middlewares.some((m) => redirecting.has(m));
    });
    if (onWeb.length === 0 || unredirected.length > 0) {
      const which = unredirected.map(([name]) => name).join(", ") || "no router redirects it";
      problems.push(
        `entry point '${entryPoint.name}' (port 80) does not redirect to https (${which}). Fix: set entryPoints.${entryPoint.name}.http.redirections.entryPoint.to: websecure with scheme: https`,
      );
    }
  }
  return problems;
}

function tlsOptionProblems(dynamics: readonly PropertyBag[]): string[] {
  const problems: string[] = [];
  let hasDefault = false;
  for (const doc of dynamics) {
    for (const [name, options] of entries(dig(doc, "tls", "options"))) {
      if (name === "default") hasDefault = true;
      const minVersion = textOf(dig(options, "minVersion"));
      if (minVersion !== "VersionTLS13") {
        problems.push(
          `tls.options.${name}.minVersion is '${minVersion || "unset (TLS 1.2)"}'. Fix: set minVersion: VersionTLS13`,
        );
      }
    }
  }
  if (!hasDefault)
    problems.push(
      "no tls.options.default in the dynamic config. Fix: add tls.options.default.minVersion: VersionTLS13",
    );
  return problems;
}

export const traefikConfigSafe: StackValidationPolicy = {
  name: "traefik-config-safe",
  description:
    "The uploaded Traefik config is the one Traefik loads, enforces TLS 1.3 as the minimum and TLS on port 443, exposes no insecure API or dashboard, uses only the file provider, routes to no internal port except the brain gateway on the console's brain paths over mutual TLS, and redirects plain http on port 80 to https.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: {
      proxyContainers: stringList("Container names that run Traefik.", DEFAULTS.proxyContainers),
      forbiddenBackendPorts: numberList(
        "Backend ports the proxy may never route to, on any protocol.",
        DEFAULTS.forbiddenBackendPorts,
      ),
      brainBackendPorts: numberList(
        "The brain gateway's ports: http only, on brainPathPrefixes, https with a client certificate.",
        DEFAULTS.brainBackendPorts,
      ),
      brainPathPrefixes: stringList(
        "Public path prefixes (Traefik PathPrefix values) that may be routed to the brain gateway.",
        DEFAULTS.brainPathPrefixes,
      ),
    },
  },
  validateStack: (args, reportViolation) => {
    const config = withDefaults(DEFAULTS, args.getConfig());
    const containers = args.resources.filter((r) => r.type === CONTAINER_TYPE);
    const everyone = containers.map((r) => r.props);
    // A never-started carrier only delivers files; they are judged in the container that mounts them.
    for (const r of containers.filter((c) => !isConfigCarrier(c.props))) {
      const uploads = effectiveUploads(r.props, everyone);
      for (const message of judgeTraefik(r.name, r.urn, r.props, uploads, config))
        reportViolation(message, r.urn);
    }
  },
};

function judgeTraefik(
  resourceName: string,
  urn: string,
  props: PropertyBag,
  uploads: Upload[],
  config: Config,
): string[] {
  const name = containerName(props, resourceName);
  const image = asText(props.image) ?? "";
  if (!config.proxyContainers.includes(name) && !image.toLowerCase().includes("traefik")) return [];
  const label = `Traefik container ${resourceLabel(name, urn)}`;
  const problems: string[] = [...launchProblems(props)];
  const choice = chooseStatic(uploads);
  problems.push(...choice.problems);
  let staticDoc: PropertyBag | undefined;
  const dynamics: PropertyBag[] = [];
  for (const upload of uploads.filter((u) => CONFIG_FILE.test(u.file))) {
    const isStatic = STATIC_NAME.test(upload.file);
    if (/\.toml$/i.test(upload.file)) {
      problems.push(`${upload.file} is TOML, which this pack cannot check. Fix: write the config as YAML`);
      continue;
    }
    // The file provider renders dynamic files as Go templates before reading them.
    if (!isStatic && upload.content.includes("{{")) {
      problems.push(
        `${upload.file} is a Go template ({{ }}), which Traefik renders at load time, so the config it routes with cannot be checked. Fix: write literal values`,
      );
      continue;
    }
    const parsed = parseYamlDocument(upload.content);
    if (!parsed.ok) {
      problems.push(`${upload.file} is not valid YAML (${parsed.error}). Fix: correct the YAML`);
    } else if (!isStatic) {
      dynamics.push(parsed.doc);
    } else if (upload === choice.chosen || staticDoc === undefined) {
      staticDoc = parsed.doc;
    }
  }
  if (staticDoc === undefined) {
    problems.push(
      "no static config (traefik.yml) is uploaded, so its API and entry points cannot be checked. Fix: upload /etc/traefik/traefik.yml",
    );
  }
  // Routing sections in the static file are dynamic config once the file provider points at it.
  if (["http", "tcp", "udp", "tls"].some((key) => dig(staticDoc, key) !== undefined) && staticDoc)
    dynamics.push(staticDoc);
  const command = containerCommand(props);
  const model = buildModel(staticDoc ?? {}, dynamics);
  problems.push(...staticProblems(staticDoc ?? {}, command));
  problems.push(...redirectProblems(staticDoc ?? {}, dynamics));
  problems.push(...tlsOptionProblems(dynamics));
  problems.push(...httpsEntryPointProblems(model));
  for (const name of duplicateNames(dynamics))
    problems.push(
      `${name} is defined in more than one config file; Traefik keeps only one of them, so the one checked may not be the one used. Fix: define each name once`,
    );
  problems.push(...backendProblems(model, dynamics, config));
  problems.push(...brainRouteProblems(model, config));
  return problems.map((problem) => `${label}: ${problem}.`);
}
