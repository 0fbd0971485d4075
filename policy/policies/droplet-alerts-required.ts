import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { stringList, withDefaults } from "../lib/config";
import { DROPLET_TYPE, resourceLabel } from "../lib/firewall";
import { asNumber, asRecord, asRecordArray, asText, asTextArray } from "../lib/props";

export const MONITOR_ALERT_TYPE = "digitalocean:index/monitorAlert:MonitorAlert";

interface Config {
  requiredAlertTypes: string[];
}

// CPU, memory, disk and load (issue 11): the signals that precede a trading outage on a droplet.
const DEFAULTS: Config = {
  requiredAlertTypes: [
    "v1/insights/droplet/cpu",
    "v1/insights/droplet/memory_utilization_percent",
    "v1/insights/droplet/disk_utilization_percent",
    "v1/insights/droplet/load_5",
  ],
};

/** Why an alert cannot tell anyone anything, or undefined when it can. */
function uselessBecause(alert: PolicyResource): string | undefined {
  const props = alert.props;
  // The provider's default is enabled; only an explicit false (or a non-boolean) switches it off.
  if (props.enabled !== undefined && props.enabled !== true) return "it is not enabled";
  const to = asRecord(props.alerts);
  const emails = asTextArray(to.emails);
  const slacks = asRecordArray(to.slacks).filter(
    (s) => s.url !== undefined && s.url !== null && s.url !== "",
  );
  if (emails.length === 0 && slacks.length === 0) return "it has no email or Slack destination";
  const type = asText(props.type) ?? "";
  const value = asNumber(props.value);
  if (asText(props.compare) !== "GreaterThan")
    return `it fires on '${asText(props.compare) ?? "?"}', not GreaterThan`;
  if (value === undefined) return "its threshold is not a number";
  // A percentage alert at 100 % or more never fires.
  if (type.endsWith("_percent") || type.endsWith("/cpu")) {
    if (value >= 100) return `its threshold ${value} % can never be exceeded`;
  }
  return undefined;
}

function watches(alert: PolicyResource, droplet: PolicyResource): boolean {
  const tags = asTextArray(droplet.props.tags);
  if (asTextArray(alert.props.tags).some((tag) => tags.includes(tag))) return true;
  const id = asText(droplet.props.id);
  return id !== undefined && id !== "" && asTextArray(alert.props.entities).includes(id);
}

export const dropletAlertsRequired: StackValidationPolicy = {
  name: "droplet-alerts-required",
  description:
    "Every droplet is watched by an enabled DigitalOcean monitor alert, with a destination, for each required metric (CPU, memory, disk and load by default), by one of its tags or its id.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: {
      requiredAlertTypes: stringList(
        "DigitalOcean monitor alert types every droplet must be covered by.",
        DEFAULTS.requiredAlertTypes,
      ),
    },
  },
  validateStack: (args, reportViolation) => {
    const config = withDefaults(DEFAULTS, args.getConfig());
    const alerts = args.resources.filter((r) => r.type === MONITOR_ALERT_TYPE);
    for (const alert of alerts) {
      const why = uselessBecause(alert);
      if (why)
        reportViolation(
          `Monitor alert ${resourceLabel(alert.name, alert.urn)} counts for no droplet because ${why}. Fix: enabled: true, compare: "GreaterThan", a threshold that can be reached, and alerts.emails (titan:alertEmails) or alerts.slacks.`,
          alert.urn,
        );
    }
    const working = alerts.filter((a) => uselessBecause(a) === undefined);
    for (const droplet of args.resources.filter((r) => r.type === DROPLET_TYPE)) {
      const covering = working.filter((a) => watches(a, droplet));
      const missing = config.requiredAlertTypes.filter(
        (type) => !covering.some((a) => asText(a.props.type) === type),
      );
      if (missing.length === 0) continue;
      reportViolation(
        `Droplet ${resourceLabel(droplet.name, droplet.urn)} has no working monitor alert for ${missing.join(", ")}, so nobody is told when it runs out. ` +
          "Fix: add digitalocean.MonitorAlert resources of those types targeting one of the droplet's tags, with titan:alertEmails set.",
        droplet.urn,
      );
    }
  },
};
