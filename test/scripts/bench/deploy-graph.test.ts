import { describe, expect, it } from "vitest";
import { criticalPath } from "../../../scripts/bench/critical-path";
import { buildDeployGraph, providerUrn, transitiveWaits } from "../../../scripts/bench/deploy-graph";
import { res, T, twoHosts } from "./graph-fixture";

describe("buildDeployGraph", () => {
  it("makes a resource wait for its dependencies and its provider, not for its parent", () => {
    const graph = buildDeployGraph(twoHosts());
    const image = [...graph.values()].find((n) => n.name === "edge-app-image");
    expect(image?.waitsFor.map((u) => u.split("::").at(-1))).toEqual(["edge-cloud-init-wait", "edge-docker"]);
    const droplet = [...graph.values()].find((n) => n.name === "edge-droplet");
    expect(droplet?.waitsFor).toEqual([]);
  });

  it("makes a component wait for its children (zero cost), so depending on it waits for them", () => {
    const graph = buildDeployGraph(twoHosts());
    const host = [...graph.values()].find((n) => n.type === T.host && n.name === "edge");
    expect(host?.waitsFor.map((u) => u.split("::").at(-1))).toEqual(["edge-droplet"]);
  });

  it("drops references to resources the program did not register", () => {
    const graph = buildDeployGraph([
      res(T.droplet, "d", ["urn:pulumi:bench::p::pulumi:pulumi:Stack::p-bench"]),
    ]);
    expect([...graph.values()][0]?.waitsFor).toEqual([]);
  });

  it("strips the id from a provider reference", () => {
    expect(providerUrn("urn:pulumi:s::p::pulumi:providers:docker::edge-docker::edge-docker-id")).toBe(
      "urn:pulumi:s::p::pulumi:providers:docker::edge-docker",
    );
  });

  it("follows waits transitively", () => {
    const graph = buildDeployGraph(twoHosts());
    const container = [...graph.values()].find((n) => n.name === "edge-app");
    const names = [...transitiveWaits(graph, container?.urn ?? "")].map((u) => u.split("::").at(-1));
    expect(names).toEqual(
      expect.arrayContaining(["edge-droplet", "edge-cloud-init-wait", "edge-docker", "edge-app-image"]),
    );
    expect(names).not.toContain("trading-droplet");
  });
});

describe("criticalPath", () => {
  const cost: Record<string, number> = { droplet: 50, wait: 100, image: 10, container: 5 };
  const secondsOf = (n: { name: string; custom: boolean }) => {
    if (!n.custom) return 0;
    if (n.name.endsWith("droplet")) return cost.droplet ?? 0;
    if (n.name.endsWith("wait")) return cost.wait ?? 0;
    if (n.name.endsWith("image")) return n.name.startsWith("trading") ? 30 : (cost.image ?? 0);
    if (n.name.endsWith("app")) return cost.container ?? 0;
    return 0;
  };

  it("is the longest weighted chain, listed in deploy order", () => {
    const path = criticalPath(buildDeployGraph(twoHosts()), secondsOf);
    expect(path.totalSeconds).toBe(50 + 100 + 30 + 5);
    expect(path.chain.map((s) => s.name)).toEqual([
      "trading-droplet",
      "trading-cloud-init-wait",
      "trading-app-image",
      "trading-app",
    ]);
    expect(path.chain.at(-1)?.finishAt).toBe(185);
  });

  it("grows when droplets are needlessly chained", () => {
    const path = criticalPath(buildDeployGraph(twoHosts({ chainedDroplets: true })), secondsOf);
    expect(path.totalSeconds).toBe(50 + 50 + 100 + 30 + 5);
  });

  it("survives a cycle instead of recursing forever", () => {
    const a = res(T.droplet, "a-droplet", [
      "urn:pulumi:bench::titan-infra::digitalocean:index/droplet:Droplet::b-droplet",
    ]);
    const b = res(T.droplet, "b-droplet", [a.urn]);
    expect(criticalPath(buildDeployGraph([a, b]), secondsOf).totalSeconds).toBeGreaterThan(0);
  });
});
