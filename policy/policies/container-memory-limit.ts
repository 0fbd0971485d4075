import type { ResourceValidationPolicy } from "@pulumi/policy";
import { CONTAINER_TYPE, containerName } from "../lib/docker";
import { resourceLabel } from "../lib/firewall";
import { asNumber } from "../lib/props";

export const containerMemoryLimit: ResourceValidationPolicy = {
  name: "container-memory-limit",
  description:
    "Every container has a memory limit, so one runaway service cannot starve the trading services on the same host.",
  enforcementLevel: "advisory",
  severity: "medium",
  validateResource: (args, reportViolation) => {
    if (args.type !== CONTAINER_TYPE) return;
    const memory = asNumber(args.props.memory);
    if (memory !== undefined && memory > 0) return;
    const name = containerName(args.props, args.name);
    reportViolation(`Container ${resourceLabel(name, args.urn)} has no memory limit. Fix: set memory (MB).`);
  },
};
