// Property test: the firewall policies agree with an independent reachability oracle on random
// rule sets. The oracle never parses text: it works from the structured values the generator drew
// (numbers, prefixes, port bounds) and decides by brute force over sample addresses and ports.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { noPublicProtectedPorts } from "../policies/no-public-protected-ports";
import { publicIngressEdgeOnly } from "../policies/public-ingress-edge-only";
import { sshAllowlistOnly } from "../policies/ssh-allowlist-only";
import { runResourcePolicy } from "./helpers";

const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 10_000);
const PROTECTED = [3100, 3002, 4222, 8222, 5432, 6379];
const PUBLIC_OK = [22, 80, 443];
const EDGE_TAGS = ["titan-edge", "titan-single"];

// ---- oracle address model: IPv4 lives at ::ffff:0:0/96 in one 128-bit space ----
const V4_BASE = 0xffffn << 32n;
interface Block {
  first: bigint;
  last: bigint;
}
const v4 = (a: number, b: number, c: number, d: number) =>
  V4_BASE + BigInt(((a * 256 + b) * 256 + c) * 256 + d);
const block = (first: bigint, hostBits: number): Block => ({
  first,
  last: first + (1n << BigInt(hostBits)) - 1n,
});
const PRIVATE_BLOCKS: Block[] = [
  block(v4(10, 0, 0, 0), 24),
  block(v4(172, 16, 0, 0), 20),
  block(v4(192, 168, 0, 0), 16),
  block(v4(127, 0, 0, 0), 24),
  block(v4(169, 254, 0, 0), 16),
  block(v4(100, 64, 0, 0), 22),
  block(1n, 0),
  block(0xfe80n << 112n, 118),
  block(0xfc00n << 112n, 121),
];
const isPrivateAddress = (address: bigint) =>
  PRIVATE_BLOCKS.some((b) => b.first <= address && address <= b.last);

interface Source {
  text: string;
  /** undefined for text that names no address (must count as public). */
  range?: Block;
  v4Prefix?: number;
  v6Prefix?: number;
}

/** Brute force over the range's ends, middle and every private block boundary inside it. */
function oracleIsPublic(source: Source): boolean {
  const range = source.range;
  if (!range) return true;
  const samples = [range.first, range.last, (range.first + range.last) / 2n];
  for (const b of PRIVATE_BLOCKS) samples.push(b.first - 1n, b.first, b.last, b.last + 1n);
  return samples.filter((a) => range.first <= a && a <= range.last).some((a) => !isPrivateAddress(a));
}

const V4_BASES: [number, number, number, number][] = [
  [0, 0, 0, 0],
  [128, 0, 0, 0],
  [10, 0, 0, 0],
  [10, 1, 2, 0],
  [11, 0, 0, 0],
  [172, 16, 0, 0],
  [172, 31, 255, 0],
  [192, 168, 1, 0],
  [127, 0, 0, 1],
  [169, 254, 1, 0],
  [100, 64, 0, 0],
  [100, 127, 255, 255],
  [8, 8, 8, 8],
  [203, 0, 113, 10],
  [198, 51, 100, 0],
  [203, 0, 112, 0],
];
const V6_BASES: bigint[] = [
  0n,
  1n,
  0x2000n << 112n,
  0xfd00n << 112n,
  0xfe80n << 112n,
  0x20010db81234n << 80n,
  0x20010db8n << 96n,
];

function dotted(value: bigint): string {
  const n = Number(value - V4_BASE);
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join(".");
}

function hex128(value: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(":");
}

const pad = fc.constantFrom("", " ", "  ");

const v4Source = fc
  .tuple(fc.constantFrom(...V4_BASES), fc.integer({ min: 0, max: 32 }), fc.boolean(), fc.boolean(), pad, pad)
  .map(([[a, b, c, d], prefix, mapped, bare, left, right]): Source => {
    const size = 1n << BigInt(32 - prefix);
    const raw = v4(a, b, c, d);
    const first = raw - ((raw - V4_BASE) % size);
    const range = { first, last: first + size - 1n };
    // Bare hosts are /32 by definition; otherwise write the network address with its prefix.
    const useBare = bare && prefix === 32;
    const address = mapped ? `::ffff:${dotted(first)}` : dotted(first);
    const suffix = useBare ? "" : `/${mapped ? prefix + 96 : prefix}`;
    return { text: `${left}${address}${suffix}${right}`, range, v4Prefix: prefix };
  });

const v6Source = fc
  .tuple(fc.constantFrom(...V6_BASES), fc.integer({ min: 0, max: 128 }), pad)
  .filter(([, prefix]) => prefix < 96 || prefix > 127 || prefix === 128)
  .map(([raw, prefix, left]): Source => {
    const size = 1n << BigInt(128 - prefix);
    const first = raw - (raw % size);
    const range = { first, last: first + size - 1n };
    // A /96..127 under ::ffff:0:0/96 would be IPv4-mapped; the filter keeps v6 sources genuinely v6.
    if (first >= V4_BASE && first < V4_BASE + (1n << 32n))
      return { text: `${left}${hex128(first)}/${prefix}`, range, v4Prefix: prefix - 96 };
    return { text: `${left}${hex128(first)}/${prefix}`, range, v6Prefix: prefix };
  });

const junkSource = fc.constantFrom<Source>(
  { text: "" },
  { text: "anywhere" },
  { text: "10.0.0.0/33" },
  { text: "::ffff:1.2.3" },
);

const source = fc.oneof(
  { weight: 5, arbitrary: v4Source },
  { weight: 3, arbitrary: v6Source },
  { weight: 1, arbitrary: junkSource },
);

// ---- ports ----
interface Ports {
  text: unknown;
  from: number;
  to: number;
}
const ALL: Ports = { text: "all", from: 1, to: 65535 };
const INTERESTING = [
  1, 21, 22, 23, 79, 80, 81, 442, 443, 444, 3000, 3002, 3100, 4222, 5432, 6379, 8222, 65535,
];
const portValue = fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 1, max: 65535 }));
const ports: fc.Arbitrary<Ports> = fc.oneof(
  fc.tuple(portValue, pad).map(([p, s]) => ({ text: `${s}${p}${s}`, from: p, to: p })),
  fc.tuple(portValue, portValue, pad).map(([a, b, s]) => {
    const [from, to] = a <= b ? [a, b] : [b, a];
    return { text: `${from}${s}-${s}${to}`, from, to };
  }),
  fc.constantFrom<Ports>(
    ALL,
    { ...ALL, text: "ALL" },
    { ...ALL, text: "0" },
    { ...ALL, text: "" },
    { ...ALL, text: undefined },
    { ...ALL, text: "1-65535" },
    { ...ALL, text: " all " },
  ),
);

interface GeneratedRule {
  protocol: string;
  icmp: boolean;
  ports: Ports;
  sources: Source[];
  tags: string[];
  loadBalancers: string[];
}

const rule: fc.Arbitrary<GeneratedRule> = fc
  .tuple(
    fc.constantFrom("tcp", "udp", "icmp", "TCP", " Udp ", "ICMP"),
    ports,
    fc.array(source, { maxLength: 3 }),
    fc.subarray(["titan-edge", "ops"]),
    fc.subarray(["lb-1"]),
  )
  .map(([protocol, p, sources, tags, loadBalancers]) => ({
    protocol,
    icmp: protocol.trim().toLowerCase() === "icmp",
    ports: p,
    sources,
    tags,
    loadBalancers,
  }));

const targets = fc.tuple(
  fc.subarray(["titan-edge", "titan-single", "titan-trading", "titan-env-prod"]),
  fc.subarray([1001]),
);

// ---- oracle verdicts ----
const covers = (r: GeneratedRule, port: number) => !r.icmp && r.ports.from <= port && port <= r.ports.to;
const hasPublicPeer = (r: GeneratedRule) => r.loadBalancers.length > 0 || r.sources.some(oracleIsPublic);

const ALLOWLIST: Block[] = [
  block(v4(203, 0, 113, 10), 0),
  block(v4(198, 51, 100, 0), 4),
  block(0x20010db81234n << 80n, 80),
];
function sshSourceAllowed(s: Source): boolean {
  if (!s.range) return false;
  if (s.v4Prefix !== undefined && s.v4Prefix < 24) return false;
  if (s.v6Prefix !== undefined && s.v6Prefix < 48) return false;
  const range = s.range;
  return ALLOWLIST.some((a) => a.first <= range.first && range.last <= a.last);
}

function oracle(rules: GeneratedRule[], tags: string[], dropletIds: number[]) {
  const protectedPorts = rules.some((r) => hasPublicPeer(r) && PROTECTED.some((p) => covers(r, p)));
  const ssh = rules.some(
    (r) => covers(r, 22) && (r.loadBalancers.length > 0 || !r.sources.every(sshSourceAllowed)),
  );
  const extraPorts = (r: GeneratedRule) =>
    !r.icmp && r.ports.to - r.ports.from + 1 > PUBLIC_OK.filter((p) => covers(r, p)).length;
  const foreignTargets = dropletIds.length > 0 || tags.some((t) => !EDGE_TAGS.includes(t));
  const publicIngress = rules.some((r) => hasPublicPeer(r) && (extraPorts(r) || foreignTargets));
  return { protectedPorts, ssh, publicIngress };
}

function render(r: GeneratedRule): Record<string, unknown> {
  const out: Record<string, unknown> = {
    protocol: r.protocol,
    sourceAddresses: r.sources.map((s) => s.text),
  };
  if (r.ports.text !== undefined) out.portRange = r.ports.text;
  if (r.tags.length > 0) out.sourceTags = r.tags;
  if (r.loadBalancers.length > 0) out.sourceLoadBalancerUids = r.loadBalancers;
  return out;
}

describe("firewall policies versus an independent reachability oracle", () => {
  it(`agree on ${NUM_RUNS} random rule sets`, async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(rule, { maxLength: 4 }), targets, async (rules, [tags, dropletIds]) => {
        const fw = {
          type: "digitalocean:index/firewall:Firewall",
          name: "fw",
          props: { tags, dropletIds, inboundRules: rules.map(render) },
        };
        const actual = {
          protectedPorts: (await runResourcePolicy(noPublicProtectedPorts, fw)).length > 0,
          ssh:
            (
              await runResourcePolicy(sshAllowlistOnly, fw, {
                allowlist: ["203.0.113.10/32", "198.51.100.0/28", "2001:db8:1234::/48"],
              })
            ).length > 0,
          publicIngress: (await runResourcePolicy(publicIngressEdgeOnly, fw)).length > 0,
        };
        expect(actual).toEqual(oracle(rules, tags, dropletIds));
      }),
      { numRuns: NUM_RUNS },
    );
    console.log(`firewall property: ${NUM_RUNS} runs in ${Date.now() - started} ms`);
  });

  it("the oracle itself knows the classic cases", () => {
    const whole: Source = { text: "0.0.0.0/0", range: block(V4_BASE, 32), v4Prefix: 0 };
    const tenSeven: Source = { text: "10.0.0.0/7", range: block(v4(10, 0, 0, 0), 25), v4Prefix: 7 };
    const ten: Source = { text: "10.0.0.0/8", range: block(v4(10, 0, 0, 0), 24), v4Prefix: 8 };
    expect([whole, tenSeven, ten].map(oracleIsPublic)).toEqual([true, true, false]);
  });
});
