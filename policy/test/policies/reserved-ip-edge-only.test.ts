import { describe, expect, it } from "vitest";
import type { EngineResource } from "../../../scripts/engine/policy-engine";
import { reservedIpEdgeOnly } from "../../policies/reserved-ip-edge-only";
import { asTestResource } from "../as-test-resource";
import { droplet, resource } from "../fixtures";
import { runStackPolicy } from "../helpers";

const RIP = "digitalocean:index/reservedIp:ReservedIp";
const ASSIGN = "digitalocean:index/reservedIpAssignment:ReservedIpAssignment";
const FLOATING_ASSIGN = "digitalocean:index/floatingIpAssignment:FloatingIpAssignment";
const EDGE_URN = "urn:pulumi:prod::titan::digitalocean:index/droplet:Droplet::edge";
const TRADING_URN = "urn:pulumi:prod::titan::digitalocean:index/droplet:Droplet::trading";
// As the offline plan presents it: the id output in the input, the droplet in the dependencies.
const withDeps = (r: EngineResource, dependencies: string[]): EngineResource => ({ ...r, dependencies });
const stack = (...extra: EngineResource[]) => [
  droplet("edge", "titan-edge"),
  droplet("trading", "titan-trading"),
  ...extra,
];
const check = (rs: EngineResource[], config = {}) =>
  runStackPolicy(reservedIpEdgeOnly, rs.map(asTestResource), config);

describe("reserved-ip-edge-only", () => {
  it("accepts the stack's reserved IP on the edge, and an unassigned one", async () => {
    const edgeIp = withDeps(resource(RIP, "edge-ip", { region: "fra1", dropletId: 412000001 }), [EDGE_URN]);
    expect(await check(stack(edgeIp, resource(RIP, "spare", { region: "fra1" })))).toEqual([]);
    expect(
      await check(stack(resource(ASSIGN, "by-id", { ipAddress: "192.0.2.1", dropletId: "1001" }))),
    ).toEqual([]);
  });

  it("refuses an assignment onto the trading droplet, by dependency or by id", async () => {
    const onto = withDeps(resource(ASSIGN, "sneaky", { ipAddress: "192.0.2.1", dropletId: 412000002 }), [
      TRADING_URN,
    ]);
    expect(await check(stack(onto))).toEqual([
      `ReservedIpAssignment 'sneaky' (urn:pulumi:prod::titan::${ASSIGN}::sneaky) puts a public address on droplet 'trading' (${TRADING_URN}), which is a trading droplet (tag titan-trading). ` +
        "Fix: assign reserved IPs only to the edge (public-ingress) droplet; trading is reached through the edge.",
    ]);
    const [floating] = await check(
      stack(resource(FLOATING_ASSIGN, "old", { ipAddress: "192.0.2.1", dropletId: 1002 })),
    );
    expect(floating).toMatch(/^FloatingIpAssignment 'old' .* puts a public address on droplet 'trading'/);
  });

  it("refuses a ReservedIp with dropletId set directly on trading", async () => {
    const [message] = await check(
      stack(withDeps(resource(RIP, "ip", { region: "fra1", dropletId: 9 }), [TRADING_URN])),
    );
    expect(message).toMatch(/^ReservedIp 'ip' .* puts a public address on droplet 'trading'/);
  });

  it("prefers the dropletId property dependency over other dependencies", async () => {
    const onto: EngineResource = withDeps(resource(ASSIGN, "a", { ipAddress: "192.0.2.1", dropletId: 7 }), [
      EDGE_URN,
      TRADING_URN,
    ]);
    const test = asTestResource(onto);
    test.propertyDependencies = { dropletId: [EDGE_URN] };
    const all = [...stack().map(asTestResource), test];
    expect(await runStackPolicy(reservedIpEdgeOnly, all)).toEqual([]);
    // Without it, every droplet it depends on counts (dependsOn may hide the real target).
    expect(await check(stack(onto))).toHaveLength(1);
  });

  it("refuses a renamed trading tag and an id of no droplet in the stack (fail closed)", async () => {
    const renamed = droplet("trading", "titan-trading", { tags: ["titan-env-prod"] });
    const [m1] = await check([renamed, resource(ASSIGN, "a", { ipAddress: "192.0.2.1", dropletId: 1002 })]);
    expect(m1).toContain(
      "which carries none of the public-ingress tags (titan-edge, titan-single; it has titan-env-prod).",
    );
    const [m2] = await check(stack(resource(ASSIGN, "a", { ipAddress: "192.0.2.1", dropletId: { id: 1 } })));
    expect(m2).toContain(
      "puts a public address on droplet id '', which resolves to no droplet of this stack, so the pack cannot tell whether it is a trading droplet (fail closed).",
    );
  });

  it("an assignment depending on its reserved IP and the edge holds only the edge", async () => {
    // As the program registers it: dropletId and ipAddress are outputs of the other two resources.
    const ip = withDeps(resource(RIP, "edge-ip", { region: "fra1" }), []);
    const assign = withDeps(
      resource(ASSIGN, "edge-ip-assignment", { ipAddress: "192.0.2.1", dropletId: 412000001 }),
      [ip.urn, EDGE_URN],
    );
    expect(await check(stack(ip, assign))).toEqual([]);
  });

  it("judges only reserved and floating IPs: a volume attachment onto trading is no public address", async () => {
    const attachment = withDeps(
      resource("digitalocean:index/volumeAttachment:VolumeAttachment", "data-attachment", {
        dropletId: 412000002,
        volumeId: "vol-1",
      }),
      [TRADING_URN],
    );
    expect(await check(stack(attachment))).toEqual([]);
  });
});
