import type { Policies } from "@pulumi/policy";
import { appPlatformAllowlist } from "./app-platform-allowlist";
import { cdnOriginSafe } from "./cdn-origin-safe";
import { containerHardening } from "./container-hardening";
import { containerMemoryLimit } from "./container-memory-limit";
import { databaseClusterPrivate } from "./database-cluster-private";
import { dropletAlertsRequired } from "./droplet-alerts-required";
import { dropletBaseline } from "./droplet-baseline";
import { egressPortScoped } from "./egress-port-scoped";
import { imagesPinnedByDigest } from "./images-pinned-by-digest";
import { kubernetesClusterMaintained } from "./kubernetes-cluster-maintained";
import { kubernetesClusterSafe } from "./kubernetes-cluster-safe";
import { loadBalancerSafe } from "./load-balancer-safe";
import { natsConfigSafe } from "./nats-config-safe";
import { noPublicProtectedPorts } from "./no-public-protected-ports";
import { publicIngressEdgeOnly } from "./public-ingress-edge-only";
import { reservedIpEdgeOnly } from "./reserved-ip-edge-only";
import { secretScope } from "./secret-scope";
import { secretsRotationEpoch } from "./secrets-rotation-epoch";
import { spacesBucketPolicyPrivate } from "./spaces-bucket-policy-private";
import { spacesBucketSafe } from "./spaces-bucket-safe";
import { spacesKeyOneBucket } from "./spaces-key-one-bucket";
import { sshAllowlistOnly } from "./ssh-allowlist-only";
import { stackFirewallCoverage } from "./stack-firewall-coverage";
import { statefulResourcesProtected } from "./stateful-resources-protected";
import { traefikConfigSafe } from "./traefik-config-safe";
import { userDataNoSecrets } from "./user-data-no-secrets";

/** Every policy of the pack, as data; policy/index.ts is the only place they are served. */
export const policies: Policies = [
  noPublicProtectedPorts,
  sshAllowlistOnly,
  publicIngressEdgeOnly,
  egressPortScoped,
  dropletBaseline,
  dropletAlertsRequired,
  statefulResourcesProtected,
  stackFirewallCoverage,
  containerHardening,
  containerMemoryLimit,
  imagesPinnedByDigest,
  secretScope,
  userDataNoSecrets,
  natsConfigSafe,
  traefikConfigSafe,
  spacesBucketSafe,
  secretsRotationEpoch,
  loadBalancerSafe,
  databaseClusterPrivate,
  appPlatformAllowlist,
  kubernetesClusterSafe,
  kubernetesClusterMaintained,
  reservedIpEdgeOnly,
  spacesBucketPolicyPrivate,
  spacesKeyOneBucket,
  cdnOriginSafe,
];
