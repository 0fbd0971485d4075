import { describe, expect, it } from "vitest";
import { publicIngressEdgeOnly } from "../../policies/public-ingress-edge-only";
import { edgeFirewall, type Rule, T, tradingFirewall } from "../fixtures";
import { runResourcePolicy } from "../helpers";

const check = (tags: string[], rules: Rule[], extra: Record<string, unknown> = {}, config = {}) =>
  runResourcePolicy(
    publicIngressEdgeOnly,
    { type: T.firewall, name: "fw", props: { tags, inboundRules: rules, ...extra } },
    config,
  );

describe("public-ingress-edge-only", () => {
  it("passes the edge and trading firewalls", async () => {
    for (const fw of [edgeFirewall(), tradingFirewall()]) {
      expect(await runResourcePolicy(publicIngressEdgeOnly, { type: fw.type, props: fw.properties })).toEqual(
        [],
      );
    }
  });

  it("refuses public ports other than 22/80/443 and lists them", async () => {
    const [message] = await check(
      ["titan-edge"],
      [{ protocol: "tcp", portRange: "1-1000", sourceAddresses: ["0.0.0.0/0"] }],
    );
    expect(message).toContain("to port(s) 1-21, 23-79, 81-442, 444-1000");
    expect(message).toContain("Fix: public sources may reach only 80 and 443");
  });

  it("refuses public rules on firewalls targeting non-edge tags or droplet ids", async () => {
    const rules = [{ protocol: "tcp", portRange: "443", sourceAddresses: ["0.0.0.0/0"] }];
    const [byTag] = await check(["titan-edge", "titan-env-prod"], rules);
    expect(byTag).toContain("targets tag 'titan-env-prod', which is not a public-ingress tag");
    const [byId] = await check([], rules, { dropletIds: [1002] });
    expect(byId).toContain("droplet id 1002");
  });

  it("names every public source and every target that is not a public-ingress tag", async () => {
    const web = [{ protocol: "tcp", portRange: "443", sourceAddresses: ["0.0.0.0/0", "::/0"] }];
    expect(await check(["titan-edge", "titan-env-prod"], web, { dropletIds: [1002] })).toEqual([
      "Firewall 'fw' (urn:pulumi:test::titan::digitalocean:index/firewall:Firewall::fw): inbound rule #1 (tcp ports 443-443) admits public source(s) 0.0.0.0/0, ::/0 but targets tag 'titan-env-prod', droplet id 1002, which is not a public-ingress tag (titan-edge, titan-single). " +
        "Fix: put public rules in a firewall that targets only the edge droplets by their public-ingress tag.",
    ]);
  });

  it("allows private traffic anywhere and honours configured tags", async () => {
    expect(
      await check(
        ["titan-trading"],
        [{ protocol: "tcp", portRange: "all", sourceAddresses: ["10.0.0.0/8"] }],
      ),
    ).toEqual([]);
    const web = [{ protocol: "tcp", portRange: "443", sourceAddresses: ["::/0"] }];
    expect(await check(["web"], web)).toEqual([
      expect.stringContaining(
        "targets tag 'web', which is not a public-ingress tag (titan-edge, titan-single). Fix: put public rules in a firewall that targets only the edge droplets by their public-ingress tag.",
      ),
    ]);
    expect(await check(["web"], web, {}, { publicIngressTags: ["web"] })).toEqual([]);
  });
});

// Edge cases: branches the tests above do not reach: defaults, alternative spellings, display details.
describe("public-ingress-edge-only: edge cases", () => {
  it("describes ICMP and protocol-less rules", async () => {
    const props = {
      tags: ["titan-trading"],
      inboundRules: [
        { protocol: "icmp", sourceAddresses: [""] },
        { portRange: "443", sourceAddresses: ["0.0.0.0/0"] },
      ],
    };
    const messages = await runResourcePolicy(publicIngressEdgeOnly, { type: T.firewall, name: "fw", props });
    expect(messages[0]).toContain('inbound rule #1 (icmp) admits public source(s) ""');
    expect(messages[1]).toContain("inbound rule #2 (no protocol ports 443-443)");
  });
});
