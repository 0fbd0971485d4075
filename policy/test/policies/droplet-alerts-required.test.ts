import { describe, expect, it } from "vitest";
import { dropletAlertsRequired, MONITOR_ALERT_TYPE } from "../../policies/droplet-alerts-required";
import { droplet, T } from "../fixtures";
import { runStackPolicy, type TestResource } from "../helpers";

const TYPES = {
  cpu: "v1/insights/droplet/cpu",
  memory: "v1/insights/droplet/memory_utilization_percent",
  disk: "v1/insights/droplet/disk_utilization_percent",
  load: "v1/insights/droplet/load_5",
} as const;

const alert = (id: keyof typeof TYPES, extra: Record<string, unknown> = {}): TestResource => ({
  type: MONITOR_ALERT_TYPE,
  name: `alerts-${id}`,
  props: {
    alerts: { emails: ["oncall@example.com"], slacks: [] },
    compare: "GreaterThan",
    enabled: true,
    tags: ["titan-env-prod"],
    type: TYPES[id],
    value: id === "load" ? 4 : 85,
    window: "10m",
    ...extra,
  },
});

const edge = (extra: Record<string, unknown> = {}): TestResource => {
  const d = droplet("edge", "titan-edge", extra);
  return { type: T.droplet, name: "edge", props: d.properties };
};
const allFour = () => (Object.keys(TYPES) as (keyof typeof TYPES)[]).map((id) => alert(id));
const run = (resources: TestResource[]) => runStackPolicy(dropletAlertsRequired, resources);

describe("droplet-alerts-required", () => {
  it("passes a droplet watched by its environment tag for CPU, memory, disk and load", async () => {
    expect(await run([edge(), ...allFour()])).toEqual([]);
  });

  it("passes an alert that targets the droplet by id instead of a tag", async () => {
    const byId = allFour().map((a) => ({ ...a, props: { ...a.props, tags: [], entities: ["1001"] } }));
    expect(await run([edge(), ...byId])).toEqual([]);
  });

  it("refuses a droplet with no alerts at all, naming every missing metric", async () => {
    expect(await run([edge()])).toEqual([
      expect.stringContaining(
        `Droplet 'edge' (urn:pulumi:test::titan::${T.droplet}::edge) has no working monitor alert for ${Object.values(TYPES).join(", ")}, so nobody is told when it runs out.`,
      ),
    ]);
  });

  it("refuses when one metric is missing, and names only that one", async () => {
    const messages = await run([edge(), alert("cpu"), alert("memory"), alert("load")]);
    expect(messages).toEqual([expect.stringContaining(`has no working monitor alert for ${TYPES.disk}, so`)]);
  });

  it("does not count alerts on another droplet's tag (renamed environment tag)", async () => {
    const elsewhere = allFour().map((a) => ({ ...a, props: { ...a.props, tags: ["titan-env-staging"] } }));
    expect(await run([edge(), ...elsewhere])).toHaveLength(1);
  });

  it.each([
    ["disabled", { enabled: false }, "it is not enabled"],
    ["disabled as a string", { enabled: "false" }, "it is not enabled"],
    ["without destinations", { alerts: { emails: [], slacks: [] } }, "it has no email or Slack destination"],
    [
      "with an empty Slack url",
      { alerts: { emails: [], slacks: [{ url: "", channel: "#x" }] } },
      "it has no email or Slack destination",
    ],
    ["firing below the threshold", { compare: "LessThan" }, "it fires on 'LessThan', not GreaterThan"],
    ["at 100 %", { value: 100 }, "its threshold 100 % can never be exceeded"],
    ["with a non-numeric threshold", { value: "eighty" }, "its threshold is not a number"],
  ])("an alert %s counts for nothing and is itself reported", async (_, extra, why) => {
    const broken = alert("disk", extra);
    const messages = await run([edge(), alert("cpu"), alert("memory"), alert("load"), broken]);
    expect(messages).toEqual([
      expect.stringContaining(`Monitor alert 'alerts-disk'`),
      expect.stringContaining(`has no working monitor alert for ${TYPES.disk}`),
    ]);
    expect(messages[0]).toContain(`counts for no droplet because ${why}`);
  });

  it("accepts Slack alone as a destination (the webhook is a secret the engine may show unwrapped)", async () => {
    const slackOnly = allFour().map((a) => ({
      ...a,
      props: {
        ...a.props,
        alerts: { emails: [], slacks: [{ url: "https://hooks.slack.invalid/x", channel: "#ops" }] },
      },
    }));
    expect(await run([edge(), ...slackOnly])).toEqual([]);
  });

  it("follows its config: a narrower list of required types", async () => {
    const messages = await runStackPolicy(dropletAlertsRequired, [edge(), alert("cpu")], {
      requiredAlertTypes: [TYPES.cpu],
    });
    expect(messages).toEqual([]);
  });
});

describe("droplet-alerts-required: what makes an alert count", () => {
  const alertUrn = (id: string) => `urn:pulumi:test::titan::${MONITOR_ALERT_TYPE}::alerts-${id}`;
  const useless = (id: string, why: string) =>
    `Monitor alert 'alerts-${id}' (${alertUrn(id)}) counts for no droplet because ${why}. Fix: enabled: true, compare: "GreaterThan", a threshold that can be reached, and alerts.emails (titan:alertEmails) or alerts.slacks.`;
  const others = (but: keyof typeof TYPES) =>
    (Object.keys(TYPES) as (keyof typeof TYPES)[]).filter((id) => id !== but).map((id) => alert(id));

  it("an alert that leaves enabled unset is on (the provider's default)", async () => {
    const unset = allFour().map((a) => {
      const { enabled: _, ...props } = a.props;
      return { ...a, props };
    });
    expect(await run([edge(), ...unset])).toEqual([]);
  });

  it("a Slack destination with no url, or a null one, is no destination", async () => {
    for (const slack of [{ channel: "#ops" }, { url: null, channel: "#ops" }]) {
      const messages = await run([
        edge(),
        ...others("disk"),
        alert("disk", { alerts: { emails: [], slacks: [slack] } }),
      ]);
      expect(messages[0], JSON.stringify(slack)).toBe(
        useless("disk", "it has no email or Slack destination"),
      );
      expect(messages).toHaveLength(2);
    }
  });

  it("an alert with no comparison does not fire on GreaterThan (fail closed)", async () => {
    const { compare: _, ...props } = alert("disk").props;
    const messages = await run([edge(), ...others("disk"), { ...alert("disk"), props }]);
    expect(messages[0]).toBe(useless("disk", "it fires on '?', not GreaterThan"));
  });

  it("a CPU alert at 100 % can never fire; a load alert above 100 can", async () => {
    const messages = await run([edge(), ...others("cpu"), alert("cpu", { value: 100 })]);
    expect(messages[0]).toBe(useless("cpu", "its threshold 100 % can never be exceeded"));
    expect(await run([edge(), ...others("load"), alert("load", { value: 120 })])).toEqual([]);
  });

  it("an alert carrying the droplet's tag among others still watches it", async () => {
    const tagged = allFour().map((a) => ({
      ...a,
      props: { ...a.props, tags: ["titan-env-prod", "team-ops"] },
    }));
    expect(await run([edge(), ...tagged])).toEqual([]);
  });

  it("reports a droplet's missing metrics with the exact message and fix", async () => {
    expect(await run([edge(), ...others("load")])).toEqual([
      `Droplet 'edge' (urn:pulumi:test::titan::${T.droplet}::edge) has no working monitor alert for ${TYPES.load}, so nobody is told when it runs out. Fix: add digitalocean.MonitorAlert resources of those types targeting one of the droplet's tags, with titan:alertEmails set.`,
    ]);
  });
});
