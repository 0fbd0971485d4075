import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";

/** Droplet metrics alerted on, by tag, for every droplet of the stack (DigitalOcean Monitoring). */
export const DROPLET_ALERTS = [
  { id: "cpu", type: "v1/insights/droplet/cpu", value: 85, window: "10m", what: "CPU above 85 %" },
  {
    id: "memory",
    type: "v1/insights/droplet/memory_utilization_percent",
    value: 90,
    window: "10m",
    what: "memory above 90 %",
  },
  // The data volume shares this metric's mount list; 80 % leaves room for the backup spool.
  {
    id: "disk",
    type: "v1/insights/droplet/disk_utilization_percent",
    value: 80,
    window: "5m",
    what: "disk above 80 %",
  },
  { id: "load", type: "v1/insights/droplet/load_5", value: 4, window: "10m", what: "5-minute load above 4" },
] as const;

export interface AlertsArgs {
  label: string;
  /** Tag every droplet of the stack carries (the environment tag). */
  dropletTag: pulumi.Input<string>;
  consoleUrl: string;
  emails: readonly string[];
  slack?: { url: pulumi.Input<string>; channel: string };
}

/**
 * Who is told: droplet metric alerts, an uptime check of the console (down, latency, certificate
 * expiry). DigitalOcean alerts only on its own metrics and probes: a failed backup is reported by
 * the host itself (journal, status file, Slack webhook when set), see docs/operations.md.
 */
export class TitanAlerts extends pulumi.ComponentResource {
  readonly monitorAlerts: digitalocean.MonitorAlert[];
  readonly uptimeCheck: digitalocean.UptimeCheck;
  readonly uptimeAlerts: digitalocean.UptimeAlert[];

  constructor(name: string, args: AlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("titan:infra:Alerts", name, {}, opts);
    if (args.emails.length === 0 && !args.slack) {
      throw new Error("alerts need a destination: set titan:alertEmails or titan:alertSlackWebhook");
    }
    const slacks = args.slack ? [{ url: args.slack.url, channel: args.slack.channel }] : [];
    const to = { emails: [...args.emails], slacks };
    this.monitorAlerts = DROPLET_ALERTS.map(
      (a) =>
        new digitalocean.MonitorAlert(
          `${name}-${a.id}`,
          {
            alerts: to,
            compare: "GreaterThan",
            description: `titan-${args.label}: ${a.what}`,
            enabled: true,
            tags: [args.dropletTag],
            type: a.type,
            value: a.value,
            window: a.window,
          },
          { parent: this },
        ),
    );
    this.uptimeCheck = new digitalocean.UptimeCheck(
      `${name}-console`,
      {
        name: `titan-${args.label}-console`,
        target: args.consoleUrl,
        type: "https",
        regions: ["eu_west", "us_east"],
        enabled: true,
      },
      { parent: this },
    );
    // The API's own spellings (snake_case), which the provider validates at preview
    // (terraform-provider-digitalocean digitalocean/uptime/resource_uptime_alert.go: type, comparison
    // and period are StringInSlice). A `down` alert takes no threshold: it fires when a region fails.
    const uptime: { id: string; type: string; comparison?: string; threshold?: number; period: string }[] = [
      { id: "down", type: "down", period: "2m" },
      { id: "latency", type: "latency", comparison: "greater_than", threshold: 2000, period: "5m" },
      { id: "ssl-expiry", type: "ssl_expiry", comparison: "less_than", threshold: 14, period: "1h" },
    ];
    this.uptimeAlerts = uptime.map(
      (u) =>
        new digitalocean.UptimeAlert(
          `${name}-console-${u.id}`,
          {
            checkId: this.uptimeCheck.id,
            name: `titan-${args.label}-console-${u.id}`,
            type: u.type,
            ...(u.comparison === undefined ? {} : { comparison: u.comparison }),
            ...(u.threshold === undefined ? {} : { threshold: u.threshold }),
            period: u.period,
            notifications: [to],
          },
          { parent: this },
        ),
    );
    this.registerOutputs({ uptimeCheckId: this.uptimeCheck.id });
  }
}
