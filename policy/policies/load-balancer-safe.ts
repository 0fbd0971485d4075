import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { numberList, stringList, withDefaults } from "../lib/config";
import { DROPLET_TYPE, resourceLabel } from "../lib/firewall";
import { asNumber, asRecordArray, asText, isRecord } from "../lib/props";
import { publicTargetProblem, referenceTexts, resolveReferences } from "../lib/resource-refs";

export const LOAD_BALANCER_TYPE = "digitalocean:index/loadBalancer:LoadBalancer";

interface Config {
  protectedPorts: number[];
  allowedTargetPorts: number[];
  publicIngressTags: string[];
  tradingTags: string[];
}

// 3101 is brain's console WebSocket (titan-brain src/index.ts, WS_PORT), internal like 3100.
const DEFAULTS: Config = {
  protectedPorts: [3100, 3002, 4222, 8222, 5432, 6379, 3101],
  allowedTargetPorts: [80, 443],
  publicIngressTags: ["titan-edge", "titan-single"],
  tradingTags: ["titan-trading"],
};

/** Every place a load balancer names the backend port it forwards to. */
function targetPorts(props: Record<string, unknown>): { where: string; raw: unknown; rule?: string }[] {
  const rules = asRecordArray(props.forwardingRules).map((rule, i) => ({
    where: `forwarding rule #${i + 1}`,
    raw: rule.targetPort,
    rule: `${asText(rule.entryProtocol) ?? "?"} ${asText(rule.entryPort) ?? "?"} -> ${asText(rule.targetProtocol) ?? "?"} ${asText(rule.targetPort) ?? "?"}`,
  }));
  const glb = isRecord(props.glbSettings)
    ? [{ where: "glbSettings", raw: props.glbSettings.targetPort }]
    : [];
  return [...rules, ...glb];
}

function judgeRules(lb: PolicyResource, config: Config, report: (m: string) => void): void {
  const label = `Load balancer ${resourceLabel(lb.name, lb.urn)}`;
  for (const { where, raw, rule } of targetPorts(lb.props)) {
    const port = asNumber(raw);
    const shown = rule ? `${where} (${rule})` : where;
    if (port === undefined) {
      report(
        `${label}: ${shown} has an unreadable targetPort (${JSON.stringify(raw) ?? "undefined"}); counted as any port. Fix: set targetPort to 80 or 443.`,
      );
    } else if (config.protectedPorts.includes(port)) {
      report(
        `${label}: ${shown} forwards internet traffic to protected internal port ${port}. Fix: a load balancer may forward only to ${config.allowedTargetPorts.join(", ")} (the edge proxy); brain, execution, NATS, Postgres and Redis are never public (DESIGN §2).`,
      );
    } else if (!config.allowedTargetPorts.includes(port)) {
      report(
        `${label}: ${shown} forwards to port ${port}, which is not an allowed target port (${config.allowedTargetPorts.join(", ")}). Fix: forward only to the edge proxy's web ports.`,
      );
    }
  }
  const httpRules = asRecordArray(lb.props.forwardingRules)
    .map((rule, i) => ({ i, protocol: (asText(rule.entryProtocol) ?? "").toLowerCase() }))
    .filter((r) => r.protocol === "http");
  if (httpRules.length > 0 && lb.props.redirectHttpToHttps !== true) {
    report(
      `${label}: forwarding rule(s) #${httpRules.map((r) => r.i + 1).join(", #")} accept plain HTTP and redirectHttpToHttps is not true. Fix: set redirectHttpToHttps: true so no request is served over HTTP.`,
    );
  }
}

function judgeTargets(
  lb: PolicyResource,
  droplets: PolicyResource[],
  config: Config,
  report: (m: string) => void,
): void {
  const label = `Load balancer ${resourceLabel(lb.name, lb.urn)}`;
  const rawTag = lb.props.dropletTag;
  if (rawTag !== undefined && rawTag !== null) {
    const tag = asText(rawTag);
    if (tag === undefined || !config.publicIngressTags.includes(tag) || config.tradingTags.includes(tag)) {
      report(
        `${label} targets droplets by tag '${tag ?? JSON.stringify(rawTag)}', which is not a public-ingress tag (${config.publicIngressTags.join(", ")}). Fix: a load balancer may target only the edge droplets, by their public-ingress tag.`,
      );
    }
  }
  const refs = referenceTexts(lb.props.dropletIds);
  if (refs.length === 0) return;
  const { targets, unresolved } = resolveReferences(lb, "dropletIds", refs, droplets);
  for (const droplet of targets) {
    const problem = publicTargetProblem(droplet, config);
    if (problem)
      report(
        `${label} targets droplet ${resourceLabel(droplet.name, droplet.urn)}, which ${problem}. Fix: a load balancer may target only droplets carrying a public-ingress tag; the trading plane is never behind one.`,
      );
  }
  if (unresolved.length > 0)
    report(
      `${label} targets droplet id(s) ${unresolved.map((r) => `'${r}'`).join(", ")} that resolve to no droplet of this stack, so the pack cannot tell whether they are trading droplets (fail closed). Fix: target the edge by dropletTag, or by the ids of this stack's edge droplets.`,
    );
}

export const loadBalancerSafe: StackValidationPolicy = {
  name: "load-balancer-safe",
  description:
    "A load balancer forwards only to the edge proxy's web ports (never to brain, execution, NATS, Postgres or Redis), targets only public-ingress droplets (never a trading droplet, by tag or by id), and redirects HTTP to HTTPS.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: {
      protectedPorts: numberList("Internal ports no load balancer may forward to.", DEFAULTS.protectedPorts),
      allowedTargetPorts: numberList(
        "The only backend ports a load balancer may forward to.",
        DEFAULTS.allowedTargetPorts,
      ),
      publicIngressTags: stringList("Droplet tags a load balancer may target.", DEFAULTS.publicIngressTags),
      tradingTags: stringList("Droplet tags that mark the trading plane.", DEFAULTS.tradingTags),
    },
  },
  validateStack: (args, reportViolation) => {
    const config = withDefaults(DEFAULTS, args.getConfig());
    const droplets = args.resources.filter((r) => r.type === DROPLET_TYPE);
    for (const lb of args.resources.filter((r) => r.type === LOAD_BALANCER_TYPE)) {
      const report = (message: string) => reportViolation(message, lb.urn);
      judgeRules(lb, config, report);
      judgeTargets(lb, droplets, config, report);
    }
  },
};
