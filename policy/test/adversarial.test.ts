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

// The exact refusals: `rule` is how the policy reads the rule ("inbound rule #1 (tcp ports 22-22)").
const FW = `Firewall 'fw' (urn:pulumi:test::titan::${T.firewall}::fw): `;
const protectedSaid = (rule: string, sources: string, ports: string) =>
  `${FW}${rule} admits public source(s) ${sources} to protected port(s) ${ports}. Fix: restrict the rule's sourceAddresses to private VPC ranges or use sourceTags, or narrow portRange so it excludes these ports.`;
const publicSaid = (rule: string, sources: string, ports: string) =>
  `${FW}${rule} admits public source(s) ${sources} to port(s) ${ports}. Fix: public sources may reach only 80 and 443; scope other ports to private sources or tags.`;
const sshSaid = (rule: string, problem: string) =>
  `${FW}${rule} opens SSH (22) too widely: ${problem}. Fix: admit 22 only from allow-listed CIDRs no wider than /24 (IPv4) or /48 (IPv6), or from the bastion's tag.`;
const wrongTargetSaid = (target: string) =>
  `${FW}inbound rule #1 (tcp ports 443-443) admits public source(s) 0.0.0.0/0 but targets ${target}, which is not a public-ingress tag (titan-edge, titan-single). Fix: put public rules in a firewall that targets only the edge droplets by their public-ingress tag.`;
/** Every protected port, and every port but 22, 80 and 443: what an all-ports rule opens. */
const ALL_PROTECTED = "3100, 3002, 4222, 8222, 5432, 6379";
const ALL_PUBLIC = "1-21, 23-79, 81-442, 444-65535";

describe("adversarial: protected ports reached from public sources", () => {
  // Each attempt, and for each rule it refuses: how the rule is read, its public sources, the
  // protected ports and the non-web ports it opens.
  type Hit = [reading: string, sources: string, protectedPorts: string, publicPorts: string];
  const all = (sources: string, protocol = "tcp"): Hit => [
    `${protocol} ports 1-65535`,
    sources,
    ALL_PROTECTED,
    ALL_PUBLIC,
  ];
  const one = (port: string, sources: string): Hit => [`tcp ports ${port}-${port}`, sources, port, port];
  const attempts: [string, Rule[], Hit[]][] = [
    ["exact port", [r("3100", ["0.0.0.0/0"])], [one("3100", "0.0.0.0/0")]],
    [
      "range around 3100",
      [r("3000-3200", ["0.0.0.0/0"])],
      [["tcp ports 3000-3200", "0.0.0.0/0", "3100, 3002", "3000-3200"]],
    ],
    ["all ports as 1-65535", [r("1-65535", ["0.0.0.0/0"])], [all("0.0.0.0/0")]],
    ["all ports as 'all'", [r("all", ["0.0.0.0/0"])], [all("0.0.0.0/0")]],
    ["all ports as '0'", [r("0", ["0.0.0.0/0"])], [all("0.0.0.0/0")]],
    ["all ports as empty string", [r("", ["0.0.0.0/0"])], [all("0.0.0.0/0")]],
    [
      "tcp rule with no port at all",
      [{ protocol: "tcp", sourceAddresses: ["0.0.0.0/0"] }],
      [all("0.0.0.0/0")],
    ],
    ["udp all ports", [r(undefined, ["0.0.0.0/0"], "udp")], [all("0.0.0.0/0", "udp")]],
    ["upper-case protocol", [r("3100", ["0.0.0.0/0"], "TCP")], [one("3100", "0.0.0.0/0")]],
    ["whitespace in port", [r(" 3100 ", ["0.0.0.0/0"])], [one("3100", "0.0.0.0/0")]],
    ["whitespace in CIDR", [r("3100", [" 0.0.0.0/0"])], [one("3100", "0.0.0.0/0")]],
    ["IPv6 everything", [r("3100", ["::/0"])], [one("3100", "::/0")]],
    ["IPv6 global unicast", [r("3100", ["2000::/3"])], [one("3100", "2000::/3")]],
    ["IPv4-mapped IPv6 everything", [r("3100", ["::ffff:0:0/96"])], [one("3100", "::ffff:0:0/96")]],
    ["IPv4-mapped written dotted", [r("3100", ["::ffff:0.0.0.0/96"])], [one("3100", "::ffff:0.0.0.0/96")]],
    [
      "split halves in one rule",
      [r("3100", ["0.0.0.0/1", "128.0.0.0/1"])],
      [one("3100", "0.0.0.0/1, 128.0.0.0/1")],
    ],
    [
      "split halves across two rules",
      [r("3100", ["0.0.0.0/1"]), r("3100", ["128.0.0.0/1"])],
      [one("3100", "0.0.0.0/1"), one("3100", "128.0.0.0/1")],
    ],
    ["one public host", [r("5432", ["8.8.8.8"])], [one("5432", "8.8.8.8")]],
    ["private range that spills into public", [r("6379", ["10.0.0.0/7"])], [one("6379", "10.0.0.0/7")]],
    ["unparseable source", [r("4222", ["everyone"])], [one("4222", "everyone")]],
    ["empty-string source", [r("4222", [""])], [one("4222", '""')]],
    [
      "public hidden among private sources",
      [r("8222", ["10.0.0.0/8", "192.0.2.0/24"])],
      [one("8222", "192.0.2.0/24")],
    ],
    [
      "duplicated rule",
      [r("3002", ["0.0.0.0/0"]), r("3002", ["0.0.0.0/0"])],
      [one("3002", "0.0.0.0/0"), one("3002", "0.0.0.0/0")],
    ],
    [
      "load balancer source",
      [{ protocol: "tcp", portRange: "3100", sourceLoadBalancerUids: ["lb-1"] }],
      [one("3100", "load balancer lb-1")],
    ],
    ["garbage port range", [r("31OO", ["0.0.0.0/0"])], [all("0.0.0.0/0")]],
  ];
  it.each(attempts)("blocks %s", async (_label, rules, hits) => {
    const v = await firewallViolations(["titan-edge"], rules);
    const rule = (i: number, reading: string) => `inbound rule #${i + 1} (${reading})`;
    expect(v.protectedPorts).toEqual(
      hits.map(([reading, sources, ports], i) => protectedSaid(rule(i, reading), sources, ports)),
    );
    expect(v.publicIngress).toEqual(
      hits.map(([reading, sources, , ports], i) => publicSaid(rule(i, reading), sources, ports)),
    );
  });
});

describe("adversarial: SSH", () => {
  // Each attempt, how the policy reads its rule, and why SSH is too wide.
  const attempts: [string, Rule[], string, string][] = [
    ["SSH from everywhere", [r("22", ["0.0.0.0/0"])], "tcp ports 22-22", "0.0.0.0/0 is wider than /24"],
    ["SSH via range", [r("20-25", ["0.0.0.0/0"])], "tcp ports 20-25", "0.0.0.0/0 is wider than /24"],
    ["SSH via all", [r("all", ["::/0"])], "tcp ports 1-65535", "::/0 is wider than /48"],
    [
      "SSH from split halves",
      [r("22", ["0.0.0.0/1", "128.0.0.0/1"])],
      "tcp ports 22-22",
      "0.0.0.0/1 is wider than /24; 128.0.0.0/1 is wider than /24",
    ],
    [
      "SSH from a wide range containing the allow-list",
      [r("22", ["203.0.112.0/23"])],
      "tcp ports 22-22",
      "203.0.112.0/23 is wider than /24",
    ],
    [
      "SSH from a narrow non-allow-listed host",
      [r("22", ["192.0.2.7/32"])],
      "tcp ports 22-22",
      "192.0.2.7/32 is not inside the SSH allow-list",
    ],
    [
      "SSH from wide IPv6",
      [r("22", ["2001:db8::/32"])],
      "tcp ports 22-22",
      "2001:db8::/32 is wider than /48",
    ],
    [
      "SSH from IPv4-mapped everything",
      [r("22", ["::ffff:0:0/96"])],
      "tcp ports 22-22",
      "::ffff:0:0/96 is wider than /24",
    ],
  ];
  it.each(attempts)("blocks %s", async (_label, rules, reading, problem) => {
    expect((await firewallViolations(["titan-edge"], rules)).ssh).toEqual([
      sshSaid(`inbound rule #1 (${reading})`, problem),
    ]);
  });
});

describe("adversarial: public traffic to the wrong droplets", () => {
  it("blocks public 443 to trading by tag", async () => {
    expect((await firewallViolations(["titan-trading"], [r("443", ["0.0.0.0/0"])])).publicIngress).toEqual([
      wrongTargetSaid("tag 'titan-trading'"),
    ]);
  });

  it("blocks public 443 to a droplet id instead of a tag", async () => {
    expect(
      (await firewallViolations([], [r("443", ["0.0.0.0/0"])], { dropletIds: [1002] })).publicIngress,
    ).toEqual([wrongTargetSaid("droplet id 1002")]);
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
  // Each attempt and the refusal it gets (the container is judged under the test name 'res').
  const said = (name: string, problem: string) =>
    `Container '${name}' (urn:pulumi:test::titan::${T.container}::res) ${problem}`;
  const protectedOn = (port: number, where: string) =>
    `publishes protected port ${port} on public address (${where}). Fix: bind it to 127.0.0.1 or the private VPC address.`;
  const proxyOn = (where: string) =>
    `proxy publishes ${where} publicly. Fix: the proxy may publish only 80 and 443.`;
  const attempts: [string, string, Record<string, unknown>[], string][] = [
    [
      "3100 with no ip",
      "titan-brain",
      [{ internal: 3100, external: 3100 }],
      protectedOn(3100, "0.0.0.0:3100->3100"),
    ],
    [
      "3100 on ::",
      "titan-brain",
      [{ internal: 3100, external: 3100, ip: "::" }],
      protectedOn(3100, "[::]:3100->3100"),
    ],
    [
      "3100 on 0.0.0.0",
      "titan-brain",
      [{ internal: 3100, external: 3100, ip: "0.0.0.0" }],
      protectedOn(3100, "0.0.0.0:3100->3100"),
    ],
    [
      "3100 on empty ip",
      "titan-brain",
      [{ internal: 3100, external: 3100, ip: "" }],
      protectedOn(3100, "0.0.0.0:3100->3100"),
    ],
    [
      "3100 on whitespace ip",
      "titan-brain",
      [{ internal: 3100, external: 3100, ip: " " }],
      protectedOn(3100, "0.0.0.0:3100->3100"),
    ],
    [
      "internal 3100 on a different host port",
      "titan-brain",
      [{ internal: 3100, external: 13100 }],
      protectedOn(3100, "0.0.0.0:13100->3100"),
    ],
    [
      "host port 5432 for another container port",
      "postgres",
      [{ internal: 9999, external: 5432 }],
      protectedOn(5432, "0.0.0.0:5432->9999"),
    ],
    [
      "public host address",
      "redis",
      [{ internal: 6379, ip: "203.0.113.20" }],
      protectedOn(6379, "203.0.113.20:random host port->6379"),
    ],
    [
      "proxy publishing 3100",
      "traefik",
      [{ internal: 3100, external: 3100 }],
      protectedOn(3100, "0.0.0.0:3100->3100"),
    ],
    ["proxy publishing 8080", "traefik", [{ internal: 8080, external: 8080 }], proxyOn("0.0.0.0:8080->8080")],
    ["proxy with random host port", "traefik", [{ internal: 443 }], proxyOn("0.0.0.0:random host port->443")],
    [
      "non-proxy on 443",
      "titan-console",
      [{ internal: 8080, external: 443 }],
      "publishes 0.0.0.0:443->8080 on a public address, which only the proxy may do. Fix: bind it to loopback or the VPC address.",
    ],
  ];
  it.each(attempts)("blocks %s", async (_label, name, ports, problem) => {
    const c = container(name, { ports });
    expect(await runResourcePolicy(containerHardening, { type: c.type, props: c.properties })).toEqual([
      said(name, problem),
    ]);
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
