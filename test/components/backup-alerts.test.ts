// The backup and alerts components under Pulumi's mocks, composed by the real stack program.
import { describe, expect, it } from "vitest";
import { DROPLET_ALERTS } from "../../infra/components/alerts";
import { spacesRegionFor } from "../../infra/components/backup";
import { ConfigError } from "../../infra/config/errors";
import { plainInputs, runStack } from "../support/offline-stack";
import { validRawConfig } from "../support/stack-config";

const BUCKET = "digitalocean:index/spacesBucket:SpacesBucket";
const KEY = "digitalocean:index/spacesKey:SpacesKey";
const MONITOR = "digitalocean:index/monitorAlert:MonitorAlert";
const UPTIME_ALERT = "digitalocean:index/uptimeAlert:UptimeAlert";
const COMMAND = "command:local:Command";

describe("backups and alerts on the prod (split) stack", async () => {
  const raw = validRawConfig("split");
  const run = await runStack(raw.values, raw.secretKeys);
  const { find } = run;

  it("creates a private, versioned, protected bucket in the stack's region, never force-destroyed", () => {
    const bucket = find.one(BUCKET, "backup-bucket");
    expect(plainInputs(bucket)).toMatchObject({
      name: "titan-prod-backups",
      region: "fra1",
      acl: "private",
      versioning: { enabled: true },
      lifecycleRules: [{ id: "expire-noncurrent", enabled: true, noncurrentVersionExpiration: { days: 30 } }],
    });
    expect(plainInputs(bucket).forceDestroy).toBeUndefined();
    expect(bucket.options?.protect ?? (bucket as { protect?: boolean }).protect).toBe(true);
  });

  it("gives the backup key read-write on that bucket only", () => {
    expect(plainInputs(find.one(KEY, "backup-key")).grants).toEqual([
      { bucket: "titan-prod-backups", permission: "readwrite" },
    ]);
  });

  it("delivers the credentials on stdin of an ssh command, never in its argv or in user data", () => {
    const install = plainInputs(find.one(COMMAND, "backup-install"));
    const create = install.create as string;
    expect(create).toMatch(
      /^ssh .* titan@10\.20\.\d+\.\d+ 'docker run --rm -i --network host -v \/:\/host --entrypoint chroot /,
    );
    expect(create).not.toContain("RESTIC_PASSWORD");
    expect(install.stdin as string).toContain(
      "base64 -d > '/etc/titan-backup/credentials.new' && chmod 0600",
    );
    for (const d of find.all("digitalocean:index/droplet:Droplet")) {
      expect(String(plainInputs(d).userData)).not.toContain("titan-backup");
    }
  });

  it("alerts on CPU, memory, disk and load for every droplet by the environment tag", () => {
    const alerts = find.all(MONITOR).map(plainInputs);
    expect(alerts.map((a) => a.type).sort()).toEqual(DROPLET_ALERTS.map((a) => a.type).sort());
    for (const a of alerts) {
      expect(a.tags).toEqual(["titan-env-prod"]);
      expect(a.alerts).toEqual({ emails: ["ops@titan.example"], slacks: [] });
    }
  });

  it("checks the console: down, latency and certificate expiry", () => {
    expect(plainInputs(find.one("digitalocean:index/uptimeCheck:UptimeCheck", "alerts-console")).target).toBe(
      "https://helm.titan.example",
    );
    // The provider refuses any other spelling at preview (resource_uptime_alert.go StringInSlice):
    // type latency|down|down_global|ssl_expiry, comparison greater_than|less_than.
    const byType = Object.fromEntries(
      find.all(UPTIME_ALERT).map((a) => {
        const { type, comparison, threshold, period } = plainInputs(a);
        return [type, { comparison, threshold, period }];
      }),
    );
    expect(byType).toEqual({
      down: { comparison: undefined, threshold: undefined, period: "2m" },
      latency: { comparison: "greater_than", threshold: 2000, period: "5m" },
      ssl_expiry: { comparison: "less_than", threshold: 14, period: "1h" },
    });
  });
});

describe("config", () => {
  it("refuses prod without titan:alertEmails, naming the key", async () => {
    const raw = validRawConfig("split");
    const { alertEmails: _, ...values } = raw.values;
    await expect(runStack(values, raw.secretKeys)).rejects.toThrow(
      "titan:alertEmails: is required on the prod stack",
    );
    expect(ConfigError).toBeDefined();
  });

  it("keeps backups in the nearest Spaces region when the stack's region has none", () => {
    expect(spacesRegionFor("fra1")).toBe("fra1");
    expect(spacesRegionFor("nyc1")).toBe("nyc3");
  });
});
