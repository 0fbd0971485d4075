import { describe, expect, it } from "vitest";
import { kubernetesClusterMaintained } from "../../policies/kubernetes-cluster-maintained";
import { runResourcePolicy } from "../helpers";

const K8S = "digitalocean:index/kubernetesCluster:KubernetesCluster";
const LABEL = `Kubernetes cluster 'k8s' (urn:pulumi:test::titan::${K8S}::k8s)`;
const check = (props: Record<string, unknown>, config = {}) =>
  runResourcePolicy(kubernetesClusterMaintained, { type: K8S, name: "k8s", props }, config);

describe("kubernetes-cluster-maintained", () => {
  it("accepts auto-upgrade, and ha when required", async () => {
    expect(await check({ autoUpgrade: true })).toEqual([]);
    expect(await check({ autoUpgrade: true, ha: true }, { requireHa: true })).toEqual([]);
  });

  it("advises auto-upgrade, and ha only where the stack requires it", async () => {
    expect(await check({ autoUpgrade: false, ha: false }, { requireHa: true })).toEqual([
      `${LABEL} does not set autoUpgrade: true, so security patches wait for someone to apply them. Fix: set autoUpgrade: true (and a maintenancePolicy window).`,
      `${LABEL} does not set ha: true, and this stack requires a highly available control plane. Fix: set ha: true.`,
    ]);
    expect(await check({ autoUpgrade: true, ha: false })).toEqual([]);
    // Adversarial: a truthy string is not the boolean the provider reads.
    expect(await check({ autoUpgrade: "true", ha: true }, { requireHa: true })).toHaveLength(1);
  });
});
