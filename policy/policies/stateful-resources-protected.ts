import type { ResourceValidationPolicy } from "@pulumi/policy";
import { stringList, withDefaults } from "../lib/config";
import { DROPLET_TYPE, resourceLabel } from "../lib/firewall";
import { asTextArray } from "../lib/props";

const VOLUME_TYPE = "digitalocean:index/volume:Volume";
/** Changing any of these replaces the droplet, and with it the exchange-whitelisted egress IP. */
const REPLACEMENT_FIELDS = ["userData", "sshKeys", "image"] as const;

interface Config {
  statefulTags: string[];
}

const DEFAULTS: Config = { statefulTags: ["titan-trading", "titan-single"] };

function ignores(ignoreChanges: readonly string[], field: string): boolean {
  return ignoreChanges.some((entry) => entry.trim() === field || entry.trim() === "*");
}

export const statefulResourcesProtected: ResourceValidationPolicy = {
  name: "stateful-resources-protected",
  description:
    "Stateful droplets (trading or single) and every block volume are protected from deletion, and stateful droplets ignore changes to userData, sshKeys and image so an edit never replaces them.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: {
      statefulTags: stringList("Droplet tags that mark stateful droplets.", DEFAULTS.statefulTags),
    },
  },
  validateResource: (args, reportViolation) => {
    const isVolume = args.type === VOLUME_TYPE;
    if (!isVolume && args.type !== DROPLET_TYPE) return;
    const config = withDefaults(DEFAULTS, args.getConfig());
    const label = resourceLabel(args.name, args.urn);
    if (!isVolume) {
      const tags = asTextArray(args.props.tags);
      if (!tags.some((tag) => config.statefulTags.includes(tag))) return;
    }
    const kind = isVolume ? "Volume" : "Stateful droplet";
    if (args.opts.protect !== true) {
      reportViolation(`${kind} ${label} is not protected. Fix: set the resource option protect: true.`);
    }
    if (isVolume) return;
    const missing = REPLACEMENT_FIELDS.filter((field) => !ignores(args.opts.ignoreChanges ?? [], field));
    if (missing.length > 0) {
      reportViolation(
        `${kind} ${label} does not ignore changes to ${missing.join(", ")}, so editing them replaces it. ` +
          `Fix: add ignoreChanges: ["userData", "sshKeys", "image"].`,
      );
    }
  },
};
