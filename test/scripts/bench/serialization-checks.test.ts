import { describe, expect, it } from "vitest";
import { buildDeployGraph } from "../../../scripts/bench/deploy-graph";
import { serializationChecks } from "../../../scripts/bench/serialization-checks";
import { res, T, twoHosts } from "./graph-fixture";

const verdicts = (resources: ReturnType<typeof twoHosts>) =>
  Object.fromEntries(serializationChecks(buildDeployGraph(resources)).map((c) => [c.check, c.pass]));

describe("serializationChecks", () => {
  it("passes a graph where hosts, firewalls and volumes proceed in parallel", () => {
    expect(Object.values(verdicts(twoHosts()))).toEqual([true, true, true]);
  });

  it("fails when one droplet waits on another", () => {
    expect(verdicts(twoHosts({ chainedDroplets: true }))["droplets wait on no other droplet"]).toBe(false);
  });

  it("fails when a firewall or a volume waits on a droplet", () => {
    const resources = twoHosts();
    const droplet = resources.find((r) => r.name === "edge-droplet");
    resources.push(res(T.firewall, "late-firewall", [droplet?.urn ?? ""]));
    const checks = serializationChecks(buildDeployGraph(resources));
    const failed = checks.find((c) => c.check === "firewalls and volumes wait on no droplet");
    expect(failed?.pass).toBe(false);
    expect(failed?.detail).toContain("late-firewall waits on edge-droplet");
  });

  it("fails when a container waits on another host's cloud-init", () => {
    const checks = serializationChecks(buildDeployGraph(twoHosts({ crossHostWait: true })));
    const failed = checks.find((c) => c.check.startsWith("each container"));
    expect(failed?.pass).toBe(false);
    expect(failed?.detail).toContain("edge-app waits on");
    expect(failed?.detail).toContain("trading-cloud-init-wait");
  });
});
