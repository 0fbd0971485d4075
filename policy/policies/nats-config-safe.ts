import * as path from "node:path";
import type { StackValidationPolicy } from "@pulumi/policy";
import { numberList, stringList, withDefaults } from "../lib/config";
import {
  CONTAINER_TYPE,
  containerName,
  effectiveUploads,
  isConfigCarrier,
  publishedPorts,
  type Upload,
} from "../lib/docker";
import { resourceLabel } from "../lib/firewall";
import { bcryptProblem, monitorEndpoints, natsUsers, publishRights } from "../lib/nats-auth";
import { type NatsConfig, parseNatsConf } from "../lib/nats-conf";
import { reachableForbiddenSubject } from "../lib/nats-subjects";
import { isLoopback, isPublicSource, parseCidr } from "../lib/net";
import type { PropertyBag } from "../lib/props";

interface Config {
  commandPublishers: string[];
  publishExemptions: Record<string, string[]>;
  forbiddenPublish: string[];
  minBcryptCost: number;
  monitorPorts: number[];
}

const DEFAULTS: Config = {
  commandPublishers: ["brain"],
  publishExemptions: { quant: ["titan.cmd.ai.>"] },
  forbiddenPublish: ["titan.cmd.>"],
  minBcryptCost: 10,
  monitorPorts: [8222],
};

const NATS_CONF_FILE = /(^|\/)(nats|nats-server)\.conf$/;

function isNatsConfUpload(file: string): boolean {
  return NATS_CONF_FILE.test(file.trim());
}

/** Resolves include paths against the other files uploaded into the same container. */
function includeResolver(confFile: string, uploads: readonly Upload[]) {
  return (included: string): string | undefined => {
    const wanted = path.posix.resolve(path.posix.dirname(confFile), included);
    return uploads.find((u) => path.posix.resolve("/", u.file) === wanted)?.content;
  };
}

function userProblems(conf: NatsConfig, config: Config): string[] {
  const problems: string[] = [];
  for (const user of natsUsers(conf.root)) {
    const passwordProblem = bcryptProblem(user.password, config.minBcryptCost);
    if (passwordProblem)
      problems.push(
        `user '${user.name}' ${passwordProblem}. Fix: store only a bcrypt hash (cost >= ${config.minBcryptCost})`,
      );
    if (config.commandPublishers.includes(user.name)) continue;
    const rights = publishRights(user.permissions);
    const witness = reachableForbiddenSubject(
      rights,
      config.forbiddenPublish,
      config.publishExemptions[user.name] ?? [],
    );
    if (witness !== undefined) {
      problems.push(
        `user '${user.name}' may publish command subject '${witness}' (publish allow ${rights.allow.join(", ")}); only ${config.commandPublishers.join(", ")} may publish under ${config.forbiddenPublish.join(", ")}. Fix: narrow its publish allow list or deny the command subjects`,
      );
    }
  }
  return problems;
}

/** All interfaces inside the container's own network namespace: public only if Docker publishes it. */
const UNSPECIFIED_HOSTS = new Set(["0.0.0.0", "::", "[::]"]);

function isSafeMonitorHost(host: string): boolean {
  if (host === "localhost" || UNSPECIFIED_HOSTS.has(host) || isLoopback(host)) return true;
  return parseCidr(host) !== undefined && !isPublicSource(host);
}

function monitorProblems(conf: NatsConfig, props: Record<string, unknown>, config: Config): string[] {
  const problems: string[] = [];
  const endpoints = monitorEndpoints(conf.root);
  for (const endpoint of endpoints) {
    const host = endpoint.host ?? "0.0.0.0";
    if (isSafeMonitorHost(host)) continue;
    problems.push(`monitor (${endpoint.key}) binds host '${host}'. Fix: bind it to 127.0.0.1`);
  }
  const monitorPorts = new Set([
    ...config.monitorPorts,
    ...endpoints.map((e) => e.port).filter((p): p is number => p !== undefined),
  ]);
  for (const port of publishedPorts(props)) {
    if (!port.isPublic) continue;
    if (
      (port.internal !== undefined && monitorPorts.has(port.internal)) ||
      (port.external !== undefined && monitorPorts.has(port.external))
    ) {
      problems.push(
        `container publishes the monitor port ${port.internal ?? port.external} on public address ${port.ip}. Fix: publish it on loopback only`,
      );
    }
  }
  return problems;
}

export const natsConfigSafe: StackValidationPolicy = {
  name: "nats-config-safe",
  description:
    "An uploaded NATS server config gives every user a bcrypt password, lets only brain publish commands (quant only titan.cmd.ai.>), honours deny lists exactly, and keeps the monitor port off public addresses.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: {
      commandPublishers: stringList(
        "NATS users allowed to publish every command subject.",
        DEFAULTS.commandPublishers,
      ),
      publishExemptions: {
        type: "object",
        additionalProperties: { type: "array", items: { type: "string" } },
        default: DEFAULTS.publishExemptions,
        description: "Per user, the command subjects it may publish anyway.",
      },
      forbiddenPublish: stringList(
        "Subjects only command publishers may publish to.",
        DEFAULTS.forbiddenPublish,
      ),
      minBcryptCost: {
        type: "integer",
        minimum: 4,
        default: 10,
        description: "Lowest bcrypt cost accepted.",
      },
      monitorPorts: numberList("Monitor ports that must never be published publicly.", DEFAULTS.monitorPorts),
    },
  },
  validateStack: (args, reportViolation) => {
    const config = withDefaults(DEFAULTS, args.getConfig());
    const containers = args.resources.filter((r) => r.type === CONTAINER_TYPE);
    const everyone = containers.map((r) => r.props);
    // A never-started carrier only delivers files; they are judged in the container that mounts them.
    for (const r of containers.filter((c) => !isConfigCarrier(c.props))) {
      const uploads = effectiveUploads(r.props, everyone);
      for (const message of judgeNats(r.name, r.urn, r.props, uploads, config))
        reportViolation(message, r.urn);
    }
  },
};

function judgeNats(resourceName: string, urn: string, props: PropertyBag, uploads: Upload[], config: Config) {
  const messages: string[] = [];
  const label = `Container ${resourceLabel(containerName(props, resourceName), urn)}`;
  for (const upload of uploads.filter((u) => isNatsConfUpload(u.file))) {
    let conf: NatsConfig;
    try {
      conf = parseNatsConf(upload.content, includeResolver(upload.file, uploads));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      messages.push(
        `${label}: NATS config ${upload.file} cannot be parsed (${reason}). Fix: correct the config syntax.`,
      );
      continue;
    }
    const problems = [
      ...conf.unresolvedIncludes.map(
        (inc) =>
          `include '${inc}' is not uploaded with the config, so it cannot be checked. Fix: upload it beside the config`,
      ),
      ...userProblems(conf, config),
      ...monitorProblems(conf, props, config),
    ];
    for (const problem of problems) messages.push(`${label}: NATS config ${upload.file}: ${problem}.`);
  }
  return messages;
}
