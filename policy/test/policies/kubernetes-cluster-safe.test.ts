import { describe, expect, it } from "vitest";
import { kubernetesClusterSafe } from "../../policies/kubernetes-cluster-safe";
import { PROD_ALLOWLIST } from "../fixtures";
import { runResourcePolicy } from "../helpers";

const K8S = "digitalocean:index/kubernetesCluster:KubernetesCluster";
const LABEL = `Kubernetes cluster 'k8s' (urn:pulumi:test::titan::${K8S}::k8s)`;
const CONFIG = { allowlist: PROD_ALLOWLIST };
const safe = (extra: Record<string, unknown> = {}) => ({
  region: "fra1",
  version: "1.31.1-do.0",
  vpcUuid: "3f2a-vpc",
  nodePool: { name: "default", size: "s-2vcpu-4gb", nodeCount: 2 },
  controlPlaneFirewall: { enabled: true, allowedAddresses: ["203.0.113.10/32", "2001:db8:1234:5::/64"] },
  ...extra,
});
const check = (props: Record<string, unknown>, config: Record<string, unknown> = CONFIG) =>
  runResourcePolicy(kubernetesClusterSafe, { type: K8S, name: "k8s", props }, config);

describe("kubernetes-cluster-safe", () => {
  it("accepts a VPC cluster whose API admits only allow-listed addresses", async () => {
    expect(await check(safe())).toEqual([]);
  });

  it("refuses a public API endpoint, no VPC and no node pool", async () => {
    expect(
      await check(safe({ vpcUuid: undefined, nodePool: undefined, controlPlaneFirewall: undefined })),
    ).toEqual([
      `${LABEL} has no vpcUuid, so it is not placed in the stack's VPC. Fix: set vpcUuid to the VPC's id.`,
      `${LABEL} has no readable nodePool, so the pack cannot tell what its nodes are (fail closed). Fix: declare the default nodePool with a name and size.`,
      `${LABEL} does not enable controlPlaneFirewall, so its API endpoint is open to the whole internet. Fix: set controlPlaneFirewall: { enabled: true, allowedAddresses: [<allow-listed CIDRs>] }.`,
    ]);
  });

  it("refuses a firewall that is off, empty or too wide (adversarial spellings)", async () => {
    const fw = (controlPlaneFirewall: unknown) => check(safe({ controlPlaneFirewall }));
    // "true" as text is not true: the provider would not read it as enabled either.
    expect((await fw({ enabled: "true", allowedAddresses: ["203.0.113.10/32"] }))[0]).toContain(
      "does not enable controlPlaneFirewall",
    );
    expect(await fw({ enabled: true, allowedAddresses: [] })).toEqual([
      `${LABEL} enables controlPlaneFirewall with no allowedAddresses, which the pack cannot read as closed (fail closed). Fix: list the operators' allow-listed CIDRs.`,
    ]);
    expect(await fw({ enabled: true, allowedAddresses: ["0.0.0.0/1", "128.0.0.0/1"] })).toEqual([
      `${LABEL} admits API clients too widely: 0.0.0.0/1 is wider than /24; 128.0.0.0/1 is wider than /24. ` +
        "Fix: allowedAddresses may list only CIDRs no wider than /24 (IPv4) or /48 (IPv6) inside the allow-list.",
    ]);
    const [outside] = await fw({ enabled: true, allowedAddresses: ["192.0.2.7/32", { cidr: "x" }] });
    expect(outside).toContain("192.0.2.7/32 is not inside the SSH allow-list; '' is not a valid address.");
  });

  it("refuses every address when no allow-list is configured", async () => {
    const [message] = await check(safe(), {});
    expect(message).toContain("203.0.113.10/32 is not inside the SSH allow-list");
  });
});
