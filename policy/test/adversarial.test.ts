// Bypass attempts a careless or hostile program might make, each of which must be refused, and
// safe configurations that must pass (false positives would train operators to ignore the pack).
import { describe, expect, it } from "vitest";
import { containerHardening } from "../policies/container-hardening";
import { noPublicProtectedPorts } from "../policies/no-public-protected-ports";
import { publicIngressEdgeOnly } from "../policies/public-ingress-edge-only";
import { sshAllowlistOnly } from "../policies/ssh-allowlist-only";
import { stackFirewallCoverage } from "../policies/stack-firewall-coverage";
import { container, droplet, PRIVATE_IP, PROD_ALLOWLIST, type Rule, T, tradingFirewall } from "./fixtures";
import { runResourcePolicy, runStackPolicy } from "./helpers";

const sshConfig = { allowlist: PROD_ALLOWLIST };

async function firewallViolations(tags: string[], rules: Rule[], extra: Record<string, unknown> = {}) {
  const fw = { type: T.firewall, name: "fw", props: { tags, inboundRules: rules, ...extra } };
  return {
    protectedPorts: await runResourcePolicy(noPublicProtectedPorts, fw),
    ssh: await runResourcePolicy(sshAllowlistOnly, fw, sshConfig),
    publicIngress: await runResourcePolicy(publicIngressEdgeOnly, fw),
  };
}

const r = (portRange: unknown, sourceAddresses: string[], protocol = "tcp"): Rule => ({
  protocol,
  portRange,
  sourceAddresses,
});

describe("adversarial: protected ports reached from public sources", () => {
  const attempts: [string, Rule[]][] = [
    ["exact port", [r("3100", ["0.0.0.0/0"])]],
    ["range around 3100", [r("3000-3200", ["0.0.0.0/0"])]],
    ["all ports as 1-65535", [r("1-65535", ["0.0.0.0/0"])]],
    ["all ports as 'all'", [r("all", ["0.0.0.0/0"])]],
    ["all ports as '0'", [r("0", ["0.0.0.0/0"])]],
    ["all ports as empty string", [r("", ["0.0.0.0/0"])]],
    ["tcp rule with no port at all", [{ protocol: "tcp", sourceAddresses: ["0.0.0.0/0"] }]],
    ["udp all ports", [r(undefined, ["0.0.0.0/0"], "udp")]],
    ["upper-case protocol", [r("3100", ["0.0.0.0/0"], "TCP")]],
    ["whitespace in port", [r(" 3100 ", ["0.0.0.0/0"])]],
    ["whitespace in CIDR", [r("3100", [" 0.0.0.0/0"])]],
    ["IPv6 everything", [r("3100", ["::/0"])]],
    ["IPv6 global unicast", [r("3100", ["2000::/3"])]],
    ["IPv4-mapped IPv6 everything", [r("3100", ["::ffff:0:0/96"])]],
    ["IPv4-mapped written dotted", [r("3100", ["::ffff:0.0.0.0/96"])]],
    ["split halves in one rule", [r("3100", ["0.0.0.0/1", "128.0.0.0/1"])]],
    ["split halves across two rules", [r("3100", ["0.0.0.0/1"]), r("3100", ["128.0.0.0/1"])]],
    ["one public host", [r("5432", ["8.8.8.8"])]],
    ["private range that spills into public", [r("6379", ["10.0.0.0/7"])]],
    ["unparseable source", [r("4222", ["everyone"])]],
    ["empty-string source", [r("4222", [""])]],
    ["public hidden among private sources", [r("8222", ["10.0.0.0/8", "192.0.2.0/24"])]],
    ["duplicated rule", [r("3002", ["0.0.0.0/0"]), r("3002", ["0.0.0.0/0"])]],
    ["load balancer source", [{ protocol: "tcp", portRange: "3100", sourceLoadBalancerUids: ["lb-1"] }]],
    ["garbage port range", [r("31OO", ["0.0.0.0/0"])]],
  ];
  it.each(attempts)("blocks %s", async (_label, rules) => {
    const v = await firewallViolations(["titan-edge"], rules);
    expect(v.protectedPorts.length).toBeGreaterThan(0);
    expect(v.publicIngress.length).toBeGreaterThan(0);
  });
});

describe("adversarial: SSH", () => {
  const attempts: [string, Rule[]][] = [
    ["SSH from everywhere", [r("22", ["0.0.0.0/0"])]],
    ["SSH via range", [r("20-25", ["0.0.0.0/0"])]],
    ["SSH via all", [r("all", ["::/0"])]],
    ["SSH from split halves", [r("22", ["0.0.0.0/1", "128.0.0.0/1"])]],
    ["SSH from a wide range containing the allow-list", [r("22", ["203.0.112.0/23"])]],
    ["SSH from a narrow non-allow-listed host", [r("22", ["192.0.2.7/32"])]],
    ["SSH from wide IPv6", [r("22", ["2001:db8::/32"])]],
    ["SSH from IPv4-mapped everything", [r("22", ["::ffff:0:0/96"])]],
  ];
  it.each(attempts)("blocks %s", async (_label, rules) => {
    expect((await firewallViolations(["titan-edge"], rules)).ssh.length).toBeGreaterThan(0);
  });
});

describe("adversarial: public traffic to the wrong droplets", () => {
  it("blocks public 443 to trading by tag", async () => {
    expect(
      (await firewallViolations(["titan-trading"], [r("443", ["0.0.0.0/0"])])).publicIngress.length,
    ).toBeGreaterThan(0);
  });

  it("blocks public 443 to a droplet id instead of a tag", async () => {
    expect(
      (await firewallViolations([], [r("443", ["0.0.0.0/0"])], { dropletIds: [1002] })).publicIngress.length,
    ).toBeGreaterThan(0);
  });

  it("blocks a second firewall that reaches trading by id at stack level", async () => {
    const trading = droplet("trading", "titan-trading");
    const sneaky = {
      type: T.firewall,
      name: "sneaky",
      props: { dropletIds: ["1002"], inboundRules: [r("443", ["2000::/3"])] },
    };
    const fw = tradingFirewall();
    const messages = await runStackPolicy(stackFirewallCoverage, [
      { type: trading.type, name: trading.name, props: trading.properties },
      { type: fw.type, name: fw.name, props: fw.properties },
      sneaky,
    ]);
    // 443 is not an edge→trading port, and its source is public: both are said.
    expect(messages).toEqual([
      expect.stringContaining("is reachable on port(s) 443 through firewall 'sneaky'"),
      expect.stringContaining("is reachable from public source(s) 2000::/3 through firewall 'sneaky'"),
    ]);
  });
});

describe("adversarial: Docker publishing", () => {
  const attempts: [string, string, Record<string, unknown>[]][] = [
    ["3100 with no ip", "titan-brain", [{ internal: 3100, external: 3100 }]],
    ["3100 on ::", "titan-brain", [{ internal: 3100, external: 3100, ip: "::" }]],
    ["3100 on 0.0.0.0", "titan-brain", [{ internal: 3100, external: 3100, ip: "0.0.0.0" }]],
    ["3100 on empty ip", "titan-brain", [{ internal: 3100, external: 3100, ip: "" }]],
    ["3100 on whitespace ip", "titan-brain", [{ internal: 3100, external: 3100, ip: " " }]],
    ["internal 3100 on a different host port", "titan-brain", [{ internal: 3100, external: 13100 }]],
    ["host port 5432 for another container port", "postgres", [{ internal: 9999, external: 5432 }]],
    ["public host address", "redis", [{ internal: 6379, ip: "203.0.113.20" }]],
    ["proxy publishing 3100", "traefik", [{ internal: 3100, external: 3100 }]],
    ["proxy publishing 8080", "traefik", [{ internal: 8080, external: 8080 }]],
    ["proxy with random host port", "traefik", [{ internal: 443 }]],
    ["non-proxy on 443", "titan-console", [{ internal: 8080, external: 443 }]],
  ];
  it.each(attempts)("blocks %s", async (_label, name, ports) => {
    const c = container(name, { ports });
    expect(
      (await runResourcePolicy(containerHardening, { type: c.type, props: c.properties })).length,
    ).toBeGreaterThan(0);
  });
});

describe("adversarial: safe configurations pass", () => {
  const safe: [string, string[], Rule[]][] = [
    [
      "web on edge from everywhere",
      ["titan-edge"],
      [r("80", ["0.0.0.0/0", "::/0"]), r("443", ["0.0.0.0/1", "128.0.0.0/1"])],
    ],
    ["allow-listed SSH", ["titan-edge"], [r("22", PROD_ALLOWLIST), r(" 22 ", [" 203.0.113.10 "], "TCP")]],
    [
      "ICMP from everywhere",
      ["titan-edge"],
      [
        { protocol: "icmp", sourceAddresses: ["0.0.0.0/0"] },
        { protocol: "ICMP", portRange: "3100", sourceAddresses: ["::/0"] },
      ],
    ],
    [
      "internal ports from the edge tag",
      ["titan-trading"],
      [r("3100", []), { protocol: "tcp", portRange: "3000-5000", sourceTags: ["titan-edge"] }],
    ],
    [
      "internal ports from the VPC",
      ["titan-trading"],
      [r("3000-9000", ["10.110.0.0/20", "fd00::/8", "127.0.0.1", "::ffff:10.0.0.0/104"])],
    ],
    [
      "kubernetes and droplet sources",
      ["titan-trading"],
      [{ protocol: "tcp", portRange: "4222", sourceKubernetesIds: ["k8s"], sourceDropletIds: [1001] }],
    ],
    [
      "80-443 range on edge except internal ports",
      ["titan-edge"],
      [r("443", ["0.0.0.0/0"]), r("80", ["::/0"])],
    ],
  ];
  it.each(safe)("passes %s", async (_label, tags, rules) => {
    expect(await firewallViolations(tags, rules)).toEqual({ protectedPorts: [], ssh: [], publicIngress: [] });
  });

  it("passes private and loopback publishes", async () => {
    const c = container("nats", {
      ports: [
        { internal: 4222, external: 4222, ip: PRIVATE_IP },
        { internal: 8222, ip: "127.0.0.1" },
        { internal: 4222, ip: "::1" },
      ],
    });
    expect(await runResourcePolicy(containerHardening, { type: c.type, props: c.properties })).toEqual([]);
  });
});
