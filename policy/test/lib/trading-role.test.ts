// stack-firewall-coverage: the trading role told by what a droplet carries (a trading workload on
// its Docker daemon, the Titan data volume), not only by a tag a change can rename (issue 12).
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { EngineResource } from "../../../scripts/engine/policy-engine";
import { dockerHostAddress, imageBaseName, matchesWorkload } from "../../lib/trading-role";
import { stackFirewallCoverage } from "../../policies/stack-firewall-coverage";
import { container, DIGEST, droplet, firewall } from "../fixtures";
import { G, graphTopology, named, on, withProps } from "../graph-fixtures";
import { judgeStack, judgeStackAtPreview, UNKNOWN_STRING } from "../stack-graph";

const configOf = (stack: string) =>
  (
    JSON.parse(readFileSync(path.resolve(__dirname, `../../config.${stack}.json`), "utf8")) as Record<
      string,
      Record<string, unknown>
    >
  )["stack-firewall-coverage"] ?? {};
const PROD = configOf("prod");
const check = async (rs: EngineResource[], config = PROD) =>
  (await judgeStack(stackFirewallCoverage, rs, config)).map((v) => v.message);

const tradingUrn = "urn:pulumi:prod::titan::digitalocean:index/droplet:Droplet::trading";
const BRAIN_REASON =
  "(trading because it runs titan-brain (container 'titan-brain' via Docker provider 'trading-docker'))";

/** The trading droplet retagged `tag`, its firewall following it (so it stays covered). */
function retagged(tag: string, extraInbound: Record<string, unknown>[] = []): EngineResource[] {
  const rs = withProps(graphTopology(), "trading", (p) => ({ ...p, tags: [tag, "titan-env-prod"] }));
  return withProps(rs, "trading-fw", (p) => ({
    ...p,
    tags: [tag],
    inboundRules: [...(p.inboundRules as unknown[]), ...extraInbound],
  }));
}
const PUBLIC_443 = { protocol: "tcp", portRange: "443", sourceAddresses: ["0.0.0.0/0"] };

describe("stack-firewall-coverage: trading role by workload and volume", () => {
  it("passes the split graph: the edge is not trading though trading's provider host depends on it", async () => {
    expect(await check(graphTopology())).toEqual([]);
  });

  it("refuses public inbound to the trading droplet after its tag is renamed (adversarial)", async () => {
    const messages = await check(retagged("titan-misc", [PUBLIC_443]));
    expect(messages).toEqual([
      `Trading droplet 'trading' (${tradingUrn}) ${BRAIN_REASON} is reachable on port(s) 443 through firewall 'trading-fw' (urn:pulumi:prod::titan::digitalocean:index/firewall:Firewall::trading-fw) inbound rule #3 (tcp ports 443-443). Fix: trading takes inbound traffic only on 22, 3100 (SSH through the bastion, the brain gateway), from the edge by tag.`,
      `Trading droplet 'trading' (${tradingUrn}) ${BRAIN_REASON} is reachable from public source(s) 0.0.0.0/0 through firewall 'trading-fw' (urn:pulumi:prod::titan::digitalocean:index/firewall:Firewall::trading-fw) inbound rule #3 (tcp ports 443-443). Fix: the trading plane takes inbound traffic only from the edge (by tag) or private VPC addresses.`,
    ]);
    // Safe neighbour: renamed, but reachable only from the edge on the trading ports.
    expect(await check(retagged("titan-misc"))).toEqual([]);
  });

  it("retagging trading as the single host does not escape in prod; the single stack's host is exempt", async () => {
    const [port, pub] = await check(retagged("titan-single", [PUBLIC_443]));
    expect(port).toContain(
      `Trading droplet 'trading' (${tradingUrn}) ${BRAIN_REASON} is reachable on port(s) 443`,
    );
    expect(pub).toContain("is reachable from public source(s) 0.0.0.0/0");
    expect(await check(retagged("titan-single", [PUBLIC_443]), configOf("single"))).toEqual([]);
  });

  it("recognises execution by its image when the container is renamed", async () => {
    let rs = retagged("titan-misc", [PUBLIC_443]).filter(
      (r) => !["titan-brain", "postgres", "trading-data-attachment"].includes(r.name),
    );
    rs = withProps(rs, "titan-execution", (p) => ({ ...p, name: "worker" }));
    const [message] = await check(rs);
    expect(message).toContain(
      "(trading because it runs titan-execution (container 'worker' via Docker provider 'trading-docker'))",
    );
  });

  it("recognises the droplet the Titan data volume is attached to, with no workload on it", async () => {
    const rs = retagged("titan-misc", [PUBLIC_443]).filter(
      (r) => !r.type.startsWith("docker:") && r.type !== G.provider,
    );
    const [message] = await check(rs);
    expect(message).toContain(
      `Trading droplet 'trading' (${tradingUrn}) (trading because the Titan data volume 'trading-data' is attached to it) is reachable on port(s) 443`,
    );
    // Safe neighbour: an unrelated volume attached does not make it trading.
    const other = withProps(rs, "trading-data", (p) => ({
      ...p,
      name: "scratch",
      initialFilesystemLabel: "scratch",
    }));
    expect(await check(other)).toEqual([]);
  });

  it("recognises a volume attached through the droplet's own volumeIds", async () => {
    const rs = retagged("titan-misc", [PUBLIC_443])
      .filter((r) => !r.type.startsWith("docker:") && r.type !== G.provider && r.type !== G.attachment)
      .map((r) => (r.name === "trading-data" ? { ...r, properties: { ...r.properties, id: "vol-1" } } : r));
    const viaIds = withProps(rs, "trading", (p) => ({ ...p, volumeIds: ["vol-1"] }));
    expect((await check(viaIds))[0]).toContain(
      "(trading because the Titan data volume 'trading-data' is attached to it)",
    );
    expect(await check(rs)).toEqual([]);
  });

  it("a host that matches no address makes every droplet it depends on trading (fail closed)", async () => {
    const rs = withProps(graphTopology(), "trading-docker", (p) => ({
      ...p,
      host: "ssh://titan@trading.internal",
    }));
    // The edge now counts as trading: every public or non-trading-port rule of its firewall is said.
    const edge =
      "Trading droplet 'edge' (urn:pulumi:prod::titan::digitalocean:index/droplet:Droplet::edge) (trading because it runs titan-brain (container 'titan-brain' via Docker provider 'trading-docker', whose host 'ssh://titan@trading.internal' matches no droplet address, so every droplet it depends on counts))";
    const via = (n: number, reading: string) =>
      `through firewall 'edge-fw' (urn:pulumi:prod::titan::digitalocean:index/firewall:Firewall::edge-fw) inbound rule #${n} (${reading}).`;
    const PORTS_FIX =
      "Fix: trading takes inbound traffic only on 22, 3100 (SSH through the bastion, the brain gateway), from the edge by tag.";
    const SOURCES_FIX =
      "Fix: the trading plane takes inbound traffic only from the edge (by tag) or private VPC addresses.";
    const WEB = "0.0.0.0/0, ::/0";
    expect(await check(rs)).toEqual([
      `${edge} is reachable on port(s) 80 ${via(1, "tcp ports 80-80")} ${PORTS_FIX}`,
      `${edge} is reachable from public source(s) ${WEB} ${via(1, "tcp ports 80-80")} ${SOURCES_FIX}`,
      `${edge} is reachable on port(s) 443 ${via(2, "tcp ports 443-443")} ${PORTS_FIX}`,
      `${edge} is reachable from public source(s) ${WEB} ${via(2, "tcp ports 443-443")} ${SOURCES_FIX}`,
      `${edge} is reachable from public source(s) 203.0.113.10/32, 198.51.100.0/28, 2001:db8:1234::/48 ${via(3, "tcp ports 22-22")} ${SOURCES_FIX}`,
      `${edge} is reachable from public source(s) ${WEB} ${via(4, "icmp")} ${SOURCES_FIX}`,
    ]);
  });

  it("a host unknown at preview is reported as not yet judged, after what could be judged", async () => {
    const rs = withProps(retagged("titan-trading", [PUBLIC_443]), "trading-docker", (p) => ({
      ...p,
      host: UNKNOWN_STRING,
    }));
    const { messages, unknown } = await judgeStackAtPreview(stackFirewallCoverage, rs, PROD);
    expect(unknown).toBe(
      "1 value(s) that decide which droplets are trading (a Docker provider's host, addresses, names) are unknown during preview (first: Docker provider 'trading-docker' .host); droplets recognised only by them are judged at pulumi up",
    );
    // The tag still tells trading: those violations are reported before.
    expect(messages).toHaveLength(2);
  });

  it("ignores containers without a provider and workloads it does not list", async () => {
    const lone = [
      droplet("x", "titan-edge", { tags: ["misc"] }),
      firewall("fw", ["misc"], [PUBLIC_443]),
      container("titan-brain"),
    ];
    expect(await check(lone)).toEqual([]);
    const rs = retagged("titan-misc", [PUBLIC_443]).filter((r) => r.name !== "trading-data-attachment");
    const nothingTrading = rs.filter((r) => !["titan-brain", "titan-execution", "postgres"].includes(r.name));
    expect(await check(nothingTrading)).toEqual([]);
    // Adding a redis (listed) container to that host makes it trading again.
    const host = named(rs, "trading-docker");
    expect(
      await check([...nothingTrading, on(host, container("redis", { image: `redis@${DIGEST}` }))]),
    ).toHaveLength(2);
  });
});

describe("trading-role helpers", () => {
  it("reads image base names, workload names and Docker host addresses", () => {
    expect(imageBaseName(`ghcr.io/o/titan-execution-rs:v1@${DIGEST}`)).toBe("titan-execution-rs");
    expect(imageBaseName("postgres")).toBe("postgres");
    expect(matchesWorkload("titan-execution-rs", ["titan-execution"])).toBe("titan-execution");
    expect(matchesWorkload("Titan-Brain", ["titan-brain"])).toBe("titan-brain");
    expect(matchesWorkload("titan-brainy", ["titan-brain"])).toBeUndefined();
    expect(dockerHostAddress("ssh://titan@10.20.0.11:22")).toBe("10.20.0.11");
    expect(dockerHostAddress("tcp://[2001:DB8::1]:2376")).toBe("2001:db8::1");
    expect(dockerHostAddress("unix:///var/run/docker.sock")).toBeUndefined();
    expect(dockerHostAddress("not a url")).toBeUndefined();
  });
});
