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
import { addressPort, backendPort, dig, entries, parseYamlDocument } from "../lib/traefik";

interface Config {
  proxyContainers: string[];
  forbiddenBackendPorts: number[];
}

const DEFAULTS: Config = { proxyContainers: ["traefik"], forbiddenBackendPorts: [3100, 3002] };
const STATIC_FILE = /(^|\/)traefik\.(ya?ml|toml)$/i;
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

function tlsProblems(dynamics: readonly PropertyBag[]): string[] {
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

function backendProblems(dynamics: readonly PropertyBag[], forbidden: readonly number[]): string[] {
  const problems: string[] = [];
  for (const doc of dynamics) {
    for (const protocol of ["http", "tcp", "udp"]) {
      for (const [name, service] of entries(dig(doc, protocol, "services"))) {
        for (const server of asArray(dig(service, "loadBalancer", "servers"))) {
          const target = textOf(dig(server, "url")) || textOf(dig(server, "address"));
          const port = backendPort(target);
          if (port !== undefined && forbidden.includes(port)) {
            problems.push(
              `${protocol} service '${name}' routes to ${target}, port ${port} (brain/execution). Fix: the proxy must never route there; go through the console API`,
            );
          }
        }
      }
    }
  }
  return problems;
}

export const traefikConfigSafe: StackValidationPolicy = {
  name: "traefik-config-safe",
  description:
    "The uploaded Traefik config enforces TLS 1.3 as the minimum, exposes no insecure API or dashboard, uses only the file provider, never routes to brain (3100) or execution (3002), and redirects plain http on port 80 to https.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: {
      proxyContainers: stringList("Container names that run Traefik.", DEFAULTS.proxyContainers),
      forbiddenBackendPorts: numberList(
        "Backend ports the proxy may never route to.",
        DEFAULTS.forbiddenBackendPorts,
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
  const problems: string[] = [];
  let staticDoc: PropertyBag | undefined;
  const dynamics: PropertyBag[] = [];
  for (const upload of uploads.filter((u) => CONFIG_FILE.test(u.file))) {
    if (/\.toml$/i.test(upload.file)) {
      problems.push(`${upload.file} is TOML, which this pack cannot check. Fix: write the config as YAML`);
      continue;
    }
    const parsed = parseYamlDocument(upload.content);
    if (!parsed.ok) {
      problems.push(`${upload.file} is not valid YAML (${parsed.error}). Fix: correct the YAML`);
    } else if (STATIC_FILE.test(upload.file)) {
      staticDoc = parsed.doc;
    } else {
      dynamics.push(parsed.doc);
    }
  }
  if (staticDoc === undefined) {
    problems.push(
      "no static config (traefik.yml) is uploaded, so its API and entry points cannot be checked. Fix: upload /etc/traefik/traefik.yml",
    );
  }
  const command = containerCommand(props);
  problems.push(...staticProblems(staticDoc ?? {}, command));
  problems.push(...redirectProblems(staticDoc ?? {}, dynamics));
  problems.push(...tlsProblems(dynamics));
  problems.push(...backendProblems(dynamics, config.forbiddenBackendPorts));
  return problems.map((problem) => `${label}: ${problem}.`);
}
