import { readdirSync } from "node:fs";
import * as path from "node:path";
import type { Policy, ResourceValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { policies } from "../../policies";
import { DEFAULT_PROTECTED_PORTS } from "../../policies/no-public-protected-ports";
import { runResourcePolicy, runStackPolicy } from "../helpers";

/** Every field any policy looks at, each set to something that policy would refuse. */
const DANGEROUS_PROPS = {
  name: "titan-hunter",
  inboundRules: [
    { protocol: "tcp", portRange: "all", sourceAddresses: ["0.0.0.0/0"], sourceLoadBalancerUids: ["lb"] },
  ],
  outboundRules: [{ protocol: "tcp", portRange: "all", destinationAddresses: ["0.0.0.0/0"] }],
  tags: ["titan-trading"],
  dropletIds: [1],
  ports: [{ internal: 3100, external: 3100 }],
  privileged: true,
  networkMode: "host",
  envs: ["BYBIT_SECRET_KEY=x", "HMAC_TIMESTAMP_TOLERANCE=60"],
  image: "traefik:latest",
  userData: "HMAC_SECRET=abc",
  uploads: [{ file: "/etc/nats/nats.conf", content: "authorization { user: x, password: plain }" }],
  acl: "public-read",
  forceDestroy: true,
  keepers: {},
};

const isResourcePolicy = (p: Policy): p is ResourceValidationPolicy => "validateResource" in p;

describe("policy registry", () => {
  it("has unique kebab-case names and full-sentence descriptions", () => {
    const names = policies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of policies) {
      expect(p.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(p.description).toMatch(/^[A-Z].*\.$/);
      expect(["advisory", "mandatory"]).toContain(p.enforcementLevel);
    }
    // Every policy file is registered (a count would race with every new policy).
    const files = readdirSync(path.resolve(__dirname, "../../policies")).filter((f) => f !== "index.ts");
    expect(names).toHaveLength(files.length);
  });

  it.each(policies.filter(isResourcePolicy).map((p) => [p.name, p] as const))(
    "%s ignores resource types it does not govern",
    async (_name, policy) => {
      expect(
        await runResourcePolicy(policy, { type: "aws:s3/bucket:Bucket", props: DANGEROUS_PROPS }),
      ).toEqual([]);
    },
  );

  it("the stack policy ignores a stack without droplets", async () => {
    const stack = policies.find((p) => p.name === "stack-firewall-coverage");
    if (!stack) throw new Error("missing");
    expect(
      await runStackPolicy(stack, [{ type: "digitalocean:index/firewall:Firewall", props: DANGEROUS_PROPS }]),
    ).toEqual([]);
  });

  it("keeps the documented protected ports", () => {
    expect([...DEFAULT_PROTECTED_PORTS]).toEqual([3100, 3002, 4222, 8222, 5432, 6379]);
  });
});

describe("severity", () => {
  it("every policy sets a severity", async () => {
    const { policies } = await import("../../policies");
    const missing = policies.filter(
      (p) => !["low", "medium", "high", "critical"].includes(String(p.severity)),
    );
    expect(missing.map((p) => p.name)).toEqual([]);
  });
});
