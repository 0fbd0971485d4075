// stack-firewall-coverage: the trading role told by what a droplet carries (a trading workload on
// its Docker daemon, the Titan data volume), not only by a tag a change can rename (issue 12).
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { EngineResource } from "../../../scripts/engine/policy-engine";
import {
  dockerHostAddress,
  imageBaseName,
  matchesWorkload,
  type TradingRoleConfig,
  tradingRoles,
} from "../../lib/trading-role";
import { stackFirewallCoverage } from "../../policies/stack-firewall-coverage";
import { container, DIGEST, droplet, firewall, resource } from "../fixtures";
import { G, graphTopology, named, on, withProps } from "../graph-fixtures";
import { judgeStack, judgeStackAtPreview, policyStack, UNKNOWN_STRING } from "../stack-graph";

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

// tradingRoles itself, on small stacks: which droplets it names trading and why (the policy's
// defaults), so each way of placing a workload or the data volume is pinned on its own.
const ROLES: TradingRoleConfig = {
  tradingTags: ["titan-trading"],
  tradingWorkloads: ["titan-brain", "titan-execution", "postgres", "nats", "redis"],
  tradingVolumes: ["titan-data", "titan-*-data"],
  singleHostTags: [],
};
const rolesOf = (rs: EngineResource[], config = ROLES) => [...tradingRoles(policyStack(rs), config).byUrn];
/** The one unknown-value message tradingRoles would end the policy with, if any. */
const unknownOf = (rs: EngineResource[]) => {
  try {
    tradingRoles(policyStack(rs), ROLES).unknown.throwIfAny((count, first) => `${count}: ${first}`);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
};
const urns = (...rs: EngineResource[]) => rs.map((r) => r.urn);
/** A droplet no tag makes trading. */
const plain = (name: string, id: string, extra: Record<string, unknown> = {}) =>
  droplet(name, "titan-edge", { id, tags: ["titan-misc"], ...extra });
const alpha = plain("alpha", "2001", { ipv4Address: "198.51.100.31", ipv6Address: "2001:DB8::A31" });
const bravo = plain("bravo", "2002", { ipv4Address: "198.51.100.32" });
/** A Docker provider; `hostDeps` undefined = its host is a literal (no propertyDependencies). */
function provider(
  name: string,
  host: string | undefined,
  hostDeps: EngineResource[] | undefined,
  deps = hostDeps,
) {
  return {
    ...resource(G.provider, name, host === undefined ? {} : { host }),
    ...(hostDeps ? { propertyDependencies: { host: urns(...hostDeps) } } : {}),
    dependencies: urns(...(deps ?? [])),
  };
}
const redisOn = (p: EngineResource) => on(p, container("redis", { image: `redis@${DIGEST}` }));
const runsRedis = (via: string) => `it runs redis (container 'redis' via Docker provider ${via})`;
/** An attachment placed by dependencies (both propertyDependencies), its ids as given. */
const attachment = (name: string, v: EngineResource, d: EngineResource, props: Record<string, unknown>) => ({
  ...resource(G.attachment, name, props),
  propertyDependencies: { volumeId: [v.urn], dropletId: [d.urn] },
  dependencies: [d.urn, v.urn],
});
const dataVolume = (props: Record<string, unknown>, name = "trading-data") =>
  resource(G.volume, name, { region: "fra1", size: 50, ...props }, { protect: true });
const onData = (name: string) => `the Titan data volume '${name}' is attached to it`;

describe("tradingRoles: the droplet a workload's Docker provider names", () => {
  it("matches a bracketed IPv6 host against droplet addresses in any case, not the bastion it depends on", () => {
    const p = provider("alpha-docker", "tcp://[2001:db8::a31]:2376", [alpha, bravo]);
    expect(rolesOf([alpha, bravo, p, redisOn(p)])).toEqual([[alpha.urn, runsRedis("'alpha-docker'")]]);
  });

  it("follows a reserved IP to the droplet it is assigned to by id, and to no other droplet", () => {
    const ip = resource(G.reservedIp, "alpha-ip", { ipAddress: "198.51.100.40", dropletId: 2001 });
    const otherIp = {
      ...resource(G.reservedIp, "bravo-ip", { ipAddress: "198.51.100.41", dropletId: 2002 }),
      propertyDependencies: { dropletId: [bravo.urn] },
      dependencies: [bravo.urn],
    };
    const p = provider("alpha-docker", "ssh://titan@198.51.100.40", [ip, bravo]);
    expect(rolesOf([alpha, bravo, ip, otherIp, p, redisOn(p)])).toEqual([
      [alpha.urn, runsRedis("'alpha-docker'")],
    ]);
  });

  it("follows a floating IP assignment known only by its dependencies to its droplet", () => {
    const ip = resource("digitalocean:index/floatingIp:FloatingIp", "alpha-fip", {
      ipAddress: "198.51.100.42",
    });
    const assignment = {
      ...resource("digitalocean:index/floatingIpAssignment:FloatingIpAssignment", "alpha-fip-assignment", {
        ipAddress: "198.51.100.42",
      }),
      dependencies: urns(ip, alpha),
    };
    const p = provider("alpha-docker", "ssh://titan@198.51.100.42", [assignment, bravo]);
    expect(rolesOf([alpha, bravo, ip, assignment, p, redisOn(p)])).toEqual([
      [alpha.urn, runsRedis("'alpha-docker'")],
    ]);
  });

  it("reaches the droplet behind a DNS name through what the host depends on, not the provider's other dependencies", () => {
    const record = {
      ...resource("digitalocean:index/dnsRecord:DnsRecord", "alpha-dns", {
        type: "A",
        value: "198.51.100.31",
      }),
      dependencies: [alpha.urn],
    };
    const bravoWait = {
      ...resource(G.command, "bravo-wait", { create: "ssh ..." }),
      dependencies: [bravo.urn],
    };
    const host = "ssh://titan@alpha.titan.internal";
    const p = provider("alpha-docker", host, [record], [record, bravoWait]);
    expect(rolesOf([alpha, bravo, record, bravoWait, p, redisOn(p)])).toEqual([
      [
        alpha.urn,
        runsRedis(
          `'alpha-docker', whose host '${host}' matches no droplet address, so every droplet it depends on counts`,
        ),
      ],
    ]);
  });

  it("a provider with no host (the local daemon) counts every droplet it depends on (fail closed)", () => {
    const p = provider("local-docker", undefined, undefined, [alpha]);
    expect(rolesOf([alpha, bravo, p, redisOn(p)])).toEqual([
      [
        alpha.urn,
        runsRedis(
          "'local-docker', whose host (none) matches no droplet address, so every droplet it depends on counts",
        ),
      ],
    ]);
  });

  it("reads a provider missing from the stack from the container's own provider reference", () => {
    const p = provider("alpha-docker", "ssh://titan@198.51.100.31", [alpha]);
    expect(rolesOf([alpha, bravo, redisOn(p)])).toEqual([[alpha.urn, runsRedis("'alpha-docker'")]]);
    // With no provider resource there are no dependencies to follow for a DNS host: which droplet
    // it is cannot be told, so every droplet counts (fail closed).
    const dns = provider("dns-docker", "ssh://titan@alpha.titan.internal", [alpha]);
    const everyDroplet = runsRedis(
      "'dns-docker', which is not in the stack and whose host 'ssh://titan@alpha.titan.internal' matches no droplet address, so every droplet counts",
    );
    expect(rolesOf([alpha, bravo, redisOn(dns)])).toEqual([
      [alpha.urn, everyDroplet],
      [bravo.urn, everyDroplet],
    ]);
  });

  it("only containers run workloads: a Docker volume named after one does not make its host trading", () => {
    const p = provider("bravo-docker", "ssh://titan@198.51.100.32", [bravo]);
    const dockerVolume = on(p, resource("docker:index/volume:Volume", "redis-data", { name: "redis-data" }));
    expect(rolesOf([alpha, bravo, p, dockerVolume])).toEqual([]);
  });
});

describe("tradingRoles: the droplet the Titan data volume is attached to", () => {
  const marked = (v: EngineResource, config = ROLES) =>
    rolesOf([alpha, bravo, v, attachment("att", v, alpha, {})], config);

  it("knows the volume by its name, filesystem label or tag, a `*` spanning any run, in any case", () => {
    const found = [[alpha.urn, onData("trading-data")]];
    expect(marked(dataVolume({ name: "titan-prod-data", initialFilesystemLabel: "scratch" }))).toEqual(found);
    expect(marked(dataVolume({ name: "vol-fra1-01", initialFilesystemLabel: "TITAN-DATA" }))).toEqual(found);
    expect(marked(dataVolume({ name: "vol-fra1-01", tags: ["misc", "titan-data"] }))).toEqual(found);
    // Safe neighbours: the pattern's fixed parts must all be there.
    expect(marked(dataVolume({ name: "titan-prod-backup", initialFilesystemLabel: "prod-data" }))).toEqual(
      [],
    );
  });

  it("takes the configured names literally apart from `*`: a dot is a dot", () => {
    const dotted = { ...ROLES, tradingVolumes: ["titan.data"] };
    expect(marked(dataVolume({ name: "titan.data" }), dotted)).toEqual([[alpha.urn, onData("trading-data")]]);
    expect(marked(dataVolume({ name: "titan-data" }), dotted)).toEqual([]);
  });

  it("places the volume by ids alone (no dependencies), and only on the droplet the attachment names", () => {
    const data = dataVolume({ id: "vol-1", name: "titan-prod-data" });
    const byIds = resource(G.attachment, "att", { volumeId: "vol-1", dropletId: 2001 });
    const scratch = dataVolume({ id: "vol-2", name: "scratch" }, "scratch");
    const other = attachment("scratch-att", scratch, bravo, { volumeId: "vol-2", dropletId: 2002 });
    expect(rolesOf([alpha, bravo, data, byIds, scratch, other])).toEqual([
      [alpha.urn, onData("trading-data")],
    ]);
  });

  it("an attachment known only by its dependencies counts its droplet, never the volume itself", () => {
    const data = dataVolume({ id: "vol-1", name: "titan-prod-data" });
    const att = { ...resource(G.attachment, "att", { volumeId: "vol-1" }), dependencies: urns(alpha, data) };
    expect(rolesOf([alpha, bravo, data, att])).toEqual([[alpha.urn, onData("trading-data")]]);
  });

  it("at preview, unknown ids match nothing: the volume is placed by its dependencies only", () => {
    const unknownId = { id: UNKNOWN_STRING };
    const a = { ...alpha, properties: { ...alpha.properties, ...unknownId } };
    const b = { ...bravo, properties: { ...bravo.properties, ...unknownId } };
    const ids = { volumeId: UNKNOWN_STRING, dropletId: UNKNOWN_STRING };
    const data = dataVolume({ ...unknownId, name: "titan-prod-data" });
    const scratch = dataVolume({ ...unknownId, name: "scratch" }, "scratch");
    const rs = [
      a,
      b,
      data,
      scratch,
      attachment("att", data, a, ids),
      attachment("scratch-att", scratch, b, ids),
    ];
    expect(rolesOf(rs)).toEqual([[alpha.urn, onData("trading-data")]]);
  });

  it("an empty id is no id: it matches no other empty id", () => {
    const data = dataVolume({ id: "", name: "titan-prod-data" });
    const scratch = dataVolume({ id: "", name: "scratch" }, "scratch");
    const other = attachment("scratch-att", scratch, bravo, { volumeId: "", dropletId: 2002 });
    const spare = plain("charlie", "", { volumeIds: [""] });
    expect(rolesOf([alpha, bravo, spare, data, scratch, other])).toEqual([]);
  });

  it("a command that depends on the data volume and a droplet does not attach the volume to it", () => {
    const data = dataVolume({ id: "vol-1", name: "titan-prod-data" });
    const backup = {
      ...resource(G.command, "backup", { create: "ssh ..." }),
      dependencies: urns(data, bravo),
    };
    expect(rolesOf([alpha, bravo, data, backup])).toEqual([]);
  });
});

describe("tradingRoles: only droplets are trading", () => {
  it("a firewall carrying the trading tag, a record sharing a droplet's id and the IP resources are not", () => {
    const tagged = droplet("trading", "titan-trading", { id: "2003" });
    const fw = firewall("trading-fw", ["titan-trading"], []);
    const record = resource("digitalocean:index/dnsRecord:DnsRecord", "alpha-dns", { id: "2001", type: "A" });
    const ip = resource(G.reservedIp, "alpha-ip", { ipAddress: "198.51.100.40" });
    const assignment = {
      ...resource("digitalocean:index/reservedIpAssignment:ReservedIpAssignment", "alpha-ip-assignment", {
        ipAddress: "198.51.100.40",
        dropletId: 2001,
      }),
      dependencies: urns(ip, alpha),
    };
    const p = provider("alpha-docker", "ssh://titan@198.51.100.40", [assignment]);
    const data = dataVolume({ id: "vol-1", name: "titan-prod-data" });
    const att = resource(G.attachment, "att", { volumeId: "vol-1", dropletId: 2001 });
    expect(rolesOf([tagged, fw, alpha, record, ip, assignment, p, redisOn(p), data, att])).toEqual([
      [tagged.urn, undefined],
      [alpha.urn, runsRedis("'alpha-docker'")],
    ]);
  });
});

describe("tradingRoles at preview: what could not be read is named by the resource it was met in", () => {
  const unknown = (r: EngineResource, props: Record<string, unknown>) => ({
    ...r,
    properties: { ...r.properties, ...props },
  });

  it("a reserved IP of unknown address or unknown droplet id places nothing by guess", () => {
    // An existing reserved IP moved to a new droplet: its droplet id is unknown, its dependency says where.
    const a = { ...alpha, properties: { ...alpha.properties, id: UNKNOWN_STRING } };
    const b = { ...bravo, properties: { ...bravo.properties, id: UNKNOWN_STRING } };
    const fresh = resource(G.reservedIp, "fresh-ip", {
      ipAddress: UNKNOWN_STRING,
      dropletId: UNKNOWN_STRING,
    });
    const moved = {
      ...resource(G.reservedIp, "alpha-ip", { ipAddress: "198.51.100.40", dropletId: UNKNOWN_STRING }),
      propertyDependencies: { dropletId: [a.urn] },
      dependencies: [a.urn],
    };
    const p = provider("alpha-docker", "ssh://titan@198.51.100.40", [moved]);
    const rs = [a, b, fresh, moved, p, redisOn(p)];
    expect(rolesOf(rs)).toEqual([[alpha.urn, runsRedis("'alpha-docker'")]]);
    expect(unknownOf(rs)).toBe("2: Docker provider 'alpha-docker' .ipAddress");
  });

  it("names a droplet whose tags are unknown", () => {
    expect(unknownOf([unknown(alpha, { tags: UNKNOWN_STRING })])).toBe("1: droplet 'alpha' .tags");
  });

  it("names a container whose name is unknown, and still places it by its image under its resource name", () => {
    const p = provider("alpha-docker", "ssh://titan@198.51.100.31", [alpha]);
    const cache = on(p, container("cache", { name: UNKNOWN_STRING, image: `redis@${DIGEST}` }));
    const rs = [alpha, p, cache];
    expect(rolesOf(rs)).toEqual([
      [alpha.urn, "it runs redis (container 'cache' via Docker provider 'alpha-docker')"],
    ]);
    expect(unknownOf(rs)).toBe("1: container 'cache' .name");
  });

  it("names a volume whose name is unknown; its known label and unknown tags still place it", () => {
    const data = dataVolume({
      name: UNKNOWN_STRING,
      initialFilesystemLabel: "titan-data",
      tags: UNKNOWN_STRING,
    });
    const rs = [alpha, data, attachment("att", data, alpha, {})];
    expect(rolesOf(rs)).toEqual([[alpha.urn, onData("trading-data")]]);
    expect(unknownOf(rs)).toBe("2: volume 'trading-data' .name");
  });
});
