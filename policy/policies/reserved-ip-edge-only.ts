import type { StackValidationPolicy } from "@pulumi/policy";
import { stringList, withDefaults } from "../lib/config";
import { DROPLET_TYPE, resourceLabel } from "../lib/firewall";
import { publicTargetProblem, referenceTexts, resolveReferences } from "../lib/resource-refs";

/** Every resource that puts a reserved (formerly floating) public address onto a droplet. */
export const RESERVED_IP_TYPES = [
  "digitalocean:index/reservedIp:ReservedIp",
  "digitalocean:index/reservedIpAssignment:ReservedIpAssignment",
  "digitalocean:index/floatingIp:FloatingIp",
  "digitalocean:index/floatingIpAssignment:FloatingIpAssignment",
];

interface Config {
  publicIngressTags: string[];
  tradingTags: string[];
}

const DEFAULTS: Config = {
  publicIngressTags: ["titan-edge", "titan-single"],
  tradingTags: ["titan-trading"],
};

export const reservedIpEdgeOnly: StackValidationPolicy = {
  name: "reserved-ip-edge-only",
  description:
    "A reserved or floating IP (set on the address itself or through an assignment) is put only on a droplet of this stack that carries a public-ingress tag, never on a trading droplet.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: {
      publicIngressTags: stringList(
        "Droplet tags that may hold a public address.",
        DEFAULTS.publicIngressTags,
      ),
      tradingTags: stringList("Droplet tags that mark the trading plane.", DEFAULTS.tradingTags),
    },
  },
  validateStack: (args, reportViolation) => {
    const config = withDefaults(DEFAULTS, args.getConfig());
    const droplets = args.resources.filter((r) => r.type === DROPLET_TYPE);
    for (const holder of args.resources.filter((r) => RESERVED_IP_TYPES.includes(r.type))) {
      const refs = referenceTexts(holder.props.dropletId);
      if (refs.length === 0) continue;
      const label = `${holder.type.split(":").at(-1)} ${resourceLabel(holder.name, holder.urn)}`;
      const { targets, unresolved } = resolveReferences(holder, "dropletId", refs, droplets);
      for (const droplet of targets) {
        const problem = publicTargetProblem(droplet, config);
        if (problem)
          reportViolation(
            `${label} puts a public address on droplet ${resourceLabel(droplet.name, droplet.urn)}, which ${problem}. Fix: assign reserved IPs only to the edge (public-ingress) droplet; trading is reached through the edge.`,
            holder.urn,
          );
      }
      if (unresolved.length > 0)
        reportViolation(
          `${label} puts a public address on droplet id '${unresolved.join("', '")}', which resolves to no droplet of this stack, so the pack cannot tell whether it is a trading droplet (fail closed). Fix: assign it to this stack's edge droplet (dropletId: edge.id).`,
          holder.urn,
        );
    }
  },
};
