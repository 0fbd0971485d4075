import * as path from "node:path";
import type { StackValidationPolicy } from "@pulumi/policy";
import { numberList, stringList, withDefaults } from "../lib/config";
import { CONTAINER_TYPE, containerName, effectiveUploads, isConfigCarrier, type Upload } from "../lib/docker";
import { resourceLabel } from "../lib/firewall";
import { accountProblems } from "../lib/nats-accounts";
import { credentialProblem, natsUsers, publishRights } from "../lib/nats-auth";
import { runsNatsServer, serverStart } from "../lib/nats-command";
import { type NatsConfig, parseNatsConf } from "../lib/nats-conf";
import { listenerProblems, monitorProblems } from "../lib/nats-exposure";
import { identityProblems } from "../lib/nats-identity";
import { responseHijacks } from "../lib/nats-responses";
import { reachableAdminSubject, readOnlyBreach, wholesaleJetStreamGrant } from "../lib/nats-rights";
import { reachableForbiddenSubject } from "../lib/nats-subjects";
import type { PropertyBag } from "../lib/props";

interface Config {
  commandPublishers: string[];
  publishExemptions: Record<string, string[]>;
  forbiddenPublish: string[];
  minBcryptCost: number;
  monitorPorts: number[];
  jetStreamAdminSubjects: string[];
  consoleUser: string;
  consolePublish: string[];
  monitorBindAllInContainer: boolean;
  imageDefaultConfigs: string[];
}

const DEFAULTS: Config = {
  commandPublishers: ["brain"],
  publishExemptions: { quant: ["titan.cmd.ai.>"] },
  forbiddenPublish: ["titan.cmd.>"],
  minBcryptCost: 10,
  monitorPorts: [8222],
  jetStreamAdminSubjects: [
    "$JS.API.STREAM.DELETE.>",
    "$JS.API.STREAM.PURGE.>",
    "$JS.API.STREAM.UPDATE.>",
    "$JS.API.STREAM.MSG.DELETE.>",
    "$JS.API.STREAM.SNAPSHOT.>",
    "$JS.API.STREAM.RESTORE.>",
    "$JS.API.STREAM.PEER.REMOVE.>",
    "$JS.API.STREAM.LEADER.STEPDOWN.>",
    "$JS.API.CONSUMER.DELETE.>",
    "$JS.API.ACCOUNT.PURGE.>",
    "$JS.API.SERVER.REMOVE",
    "$JS.API.META.LEADER.STEPDOWN",
  ],
  consoleUser: "console",
  consolePublish: ["_INBOX.>", "$JS.API.INFO"],
  monitorBindAllInContainer: false,
  // The official images' default commands: alpine's and scratch's.
  imageDefaultConfigs: ["/etc/nats/nats-server.conf", "/nats-server.conf"],
};

const NATS_CONF_FILE = /(^|\/)(nats|nats-server)\.conf$/;

function isNatsConfUpload(file: string): boolean {
  return NATS_CONF_FILE.test(file.trim());
}

const absolute = (file: string) => path.posix.resolve("/", file.trim());

/** Resolves include paths against the other files uploaded into the same container. */
function includeResolver(confFile: string, uploads: readonly Upload[]) {
  return (included: string): string | undefined => {
    const wanted = path.posix.resolve(path.posix.dirname(absolute(confFile)), included);
    return uploads.find((u) => absolute(u.file) === wanted)?.content;
  };
}

function userProblems(conf: NatsConfig, config: Config): string[] {
  const problems: string[] = [];
  const only = config.commandPublishers.join(", ");
  for (const user of natsUsers(conf.root)) {
    const credential = credentialProblem(user, config.minBcryptCost);
    if (credential)
      problems.push(
        `user '${user.name}' ${credential}. Fix: store only a bcrypt hash (cost >= ${config.minBcryptCost})`,
      );
    if (config.commandPublishers.includes(user.name)) continue;
    const rights = publishRights(user.permissions);
    const allow = rights.allow.join(", ");
    const witness = reachableForbiddenSubject(
      rights,
      config.forbiddenPublish,
      config.publishExemptions[user.name] ?? [],
    );
    if (witness !== undefined) {
      problems.push(
        `user '${user.name}' may publish command subject '${witness}' (publish allow ${allow}); only ${only} may publish under ${config.forbiddenPublish.join(", ")}. Fix: narrow its publish allow list or deny the command subjects`,
      );
    }
    const wholesale = wholesaleJetStreamGrant(rights);
    if (wholesale)
      problems.push(
        `user '${user.name}' may call the JetStream API wholesale: publish allow '${wholesale.allow}' reaches '${wholesale.witness}'; only ${only} may. Fix: allow only the exact $JS.API calls it makes`,
      );
    // A wholesale grant already covers administration; its fix removes both.
    const admin = wholesale ? undefined : reachableAdminSubject(rights, config.jetStreamAdminSubjects);
    if (admin !== undefined)
      problems.push(
        `user '${user.name}' may publish JetStream administration subject '${admin}' (publish allow ${allow}); only ${only} may delete, purge or update streams. Fix: deny every subject in jetStreamAdminSubjects`,
      );
    if (user.name === config.consoleUser) {
      const breach = readOnlyBreach(rights, config.consolePublish);
      if (breach !== undefined)
        problems.push(
          `user '${user.name}' is the read-only console but may publish '${breach}' (publish allow ${allow}); it may publish only ${config.consolePublish.join(", ")}. Fix: allow only those and deny everything else`,
        );
    }
  }
  for (const h of responseHijacks(natsUsers(conf.root), config.commandPublishers)) {
    const by = h.requester === h.responder ? "itself" : `user '${h.requester}'`;
    problems.push(
      `user '${h.responder}' has allow_responses and receives requests on '${h.subject}', which ${by} may publish; the requester names the reply subject, so it can make '${h.responder}' publish to any subject, ${config.forbiddenPublish.join(", ")} included, past its deny list. Fix: remove allow_responses and allow publish on the requesters' inboxes (_INBOX.>) instead`,
    );
  }
  return problems;
}

export const natsConfigSafe: StackValidationPolicy = {
  name: "nats-config-safe",
  description:
    "A NATS server loads only an uploaded, checked config, in which every client has its own bcrypt or nkey credential, only brain publishes commands or administers JetStream (quant only titan.cmd.ai.>), console is read-only, no client answers requests with allow_responses that an untrusted user can send it, no import, export or mapping renames subjects into the command space or the JetStream API, no extra listener is open, and the monitor stays on loopback.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: {
      commandPublishers: stringList(
        "NATS users allowed to publish every command subject and administer JetStream.",
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
      monitorPorts: numberList(
        "Monitor ports that must never be published off loopback.",
        DEFAULTS.monitorPorts,
      ),
      jetStreamAdminSubjects: stringList(
        "JetStream API subjects (stream delete, purge, update…) only command publishers may publish.",
        DEFAULTS.jetStreamAdminSubjects,
      ),
      consoleUser: {
        type: "string",
        default: DEFAULTS.consoleUser,
        description: "The read-only console's NATS user.",
      },
      consolePublish: stringList(
        "The only subjects the console user may publish (its inboxes, JetStream account info).",
        DEFAULTS.consolePublish,
      ),
      monitorBindAllInContainer: {
        type: "boolean",
        default: false,
        description:
          "Accept a monitor bound to every interface of the container's own network namespace (for a publish on host loopback); never in host network mode.",
      },
      imageDefaultConfigs: stringList(
        "Config paths the image's default command may load; a server started without --config must find an uploaded config at each.",
        DEFAULTS.imageDefaultConfigs,
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
      for (const message of judgeNats(r.name, r.urn, r.props, uploads, config))
        reportViolation(message, r.urn);
    }
  },
};

/** The configs to judge: every nats.conf uploaded, and whatever file the server is started with. */
function loadedConfigs(props: PropertyBag, uploads: Upload[], config: Config) {
  const start = serverStart(props);
  const problems = [...start.problems];
  const byPath = (file: string) => uploads.find((u) => absolute(u.file) === file);
  const judged = uploads.filter((u) => isNatsConfUpload(u.file));
  const add = (upload: Upload) => {
    if (!judged.some((u) => absolute(u.file) === absolute(upload.file))) judged.push(upload);
  };
  if (start.configPath !== undefined) {
    const loaded = byPath(start.configPath);
    if (loaded) add(loaded);
    else
      problems.push(
        `it loads ${start.configPath}, which is not an uploaded file, so what it allows is unchecked. Fix: point --config at the uploaded config`,
      );
  }
  if (start.imageDefault) {
    const missing = config.imageDefaultConfigs.filter((file) => !byPath(absolute(file)));
    for (const file of config.imageDefaultConfigs) {
      const loaded = byPath(absolute(file));
      if (loaded) add(loaded);
    }
    if (missing.length > 0)
      problems.push(
        `no command is set, so the image's default command loads its own config (${missing.join(" or ")}), not an uploaded, checked file. Fix: set command to nats-server --config <uploaded config>`,
      );
  }
  return { problems, judged };
}

function judgeNats(resourceName: string, urn: string, props: PropertyBag, uploads: Upload[], config: Config) {
  const natsUploads = uploads.filter((u) => isNatsConfUpload(u.file));
  if (!runsNatsServer(props) && natsUploads.length === 0) return [];
  const label = `Container ${resourceLabel(containerName(props, resourceName), urn)}`;
  const { problems, judged } = loadedConfigs(props, uploads, config);
  const messages = problems.map((problem) => `${label}: NATS server start: ${problem}.`);
  for (const upload of judged) {
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
    const guard = {
      commandPublishers: config.commandPublishers,
      forbidden: config.forbiddenPublish,
      exemptions: config.publishExemptions,
    };
    const found = [
      ...conf.unresolvedIncludes.map(
        (inc) =>
          `include '${inc}' is not uploaded with the config, so it cannot be checked. Fix: upload it beside the config`,
      ),
      ...identityProblems(conf.root),
      ...userProblems(conf, config),
      ...accountProblems(conf.root, guard),
      ...listenerProblems(conf.root),
      ...monitorProblems(conf.root, props, config),
    ];
    for (const problem of found) messages.push(`${label}: NATS config ${upload.file}: ${problem}.`);
  }
  return messages;
}
