// Branches the per-policy files do not reach: defaults, alternative spellings, display details.
import { describe, expect, it } from "vitest";
import { findSecretMaterial } from "../../lib/secret-patterns";
import { containerHardening } from "../../policies/container-hardening";
import { dropletBaseline } from "../../policies/droplet-baseline";
import { publicIngressEdgeOnly } from "../../policies/public-ingress-edge-only";
import { spacesBucketSafe } from "../../policies/spaces-bucket-safe";
import { stackFirewallCoverage } from "../../policies/stack-firewall-coverage";
import { statefulResourcesProtected } from "../../policies/stateful-resources-protected";
import { traefikConfigSafe } from "../../policies/traefik-config-safe";
import { container, droplet, T, TRAEFIK_DYNAMIC, traefik } from "../fixtures";
import { runResourcePolicy, runStackPolicy } from "../helpers";

describe("edge cases", () => {
  it("droplet-baseline does not require backups by default", async () => {
    const d = droplet("edge", "titan-edge", { backups: false });
    expect(await runResourcePolicy(dropletBaseline, { type: T.droplet, props: d.properties })).toEqual([]);
  });

  it("stateful-resources-protected trims ignoreChanges entries", async () => {
    const opts = { protect: true, ignoreChanges: [" userData ", "sshKeys", "image "] };
    expect(
      await runResourcePolicy(statefulResourcesProtected, {
        type: T.droplet,
        props: { tags: ["titan-trading"] },
        opts,
      }),
    ).toEqual([]);
  });

  it("container-hardening accepts spellings of no-new-privileges and refuses other host namespaces", async () => {
    for (const opt of ["no-new-privileges=true", " NO-NEW-PRIVILEGES : true "]) {
      const c = container("redis", { securityOpts: [opt] });
      expect(await runResourcePolicy(containerHardening, { type: c.type, props: c.properties })).toEqual([]);
    }
    const c = container("redis", {
      securityOpts: ["no-new-privileges:false"],
      usernsMode: "host",
      utsMode: " Host ",
    });
    const messages = await runResourcePolicy(containerHardening, { type: c.type, props: c.properties });
    expect(messages).toEqual([
      expect.stringContaining("usernsMode: host"),
      expect.stringContaining("utsMode: host"),
      expect.stringContaining("no-new-privileges"),
    ]);
  });

  it("public-ingress-edge-only describes ICMP and protocol-less rules", async () => {
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

  it("spaces-bucket-safe compares the ACL case-insensitively", async () => {
    expect(
      await runResourcePolicy(spacesBucketSafe, {
        type: T.bucket,
        props: { acl: " PRIVATE ", versioning: { enabled: true } },
      }),
    ).toEqual([]);
  });

  it("stack-firewall-coverage does not match empty droplet ids", async () => {
    const d = droplet("edge", "titan-edge", { id: "", tags: [] });
    const fw = { type: T.firewall, props: { dropletIds: [""], tags: [] } };
    expect(
      await runStackPolicy(stackFirewallCoverage, [{ type: d.type, props: d.properties }, fw]),
    ).toHaveLength(1);
  });

  it("traefik-config-safe finds port-80 entry points by address and honours redirect shorthands", async () => {
    const run = async (staticYaml: string, dynamic = TRAEFIK_DYNAMIC) => {
      const c = traefik({
        uploads: [
          { file: "/etc/traefik/traefik.yml", content: staticYaml },
          { file: "/etc/traefik/dynamic/t.yaml", content: dynamic },
        ],
      });
      return runResourcePolicy(traefikConfigSafe, { type: c.type, props: c.properties });
    };
    const plain =
      "entryPoints:\n  http:\n    address: '0.0.0.0:80'\n  https:\n    address: ':443'\nproviders:\n  file: {}\n";
    const [message] = await run(plain);
    expect(message).toContain("entry point 'http' (port 80) does not redirect");
    const toOnly =
      "entryPoints:\n  http:\n    address: ':80'\n    http:\n      redirections:\n        entryPoint:\n          to: https\nproviders:\n  file: {}\n";
    expect(await run(toOnly)).toEqual([]);
    const toHttp = toOnly.replace("to: https", "to: https\n          scheme: http");
    expect(await run(toHttp)).toHaveLength(1);
    // A router without entryPoints listens on every entry point, port 80 included.
    const everywhere = TRAEFIK_DYNAMIC.replace(
      "      entryPoints: [websecure]\n      service: console\n",
      "      service: console\n",
    );
    const [open] = await run(plain, everywhere);
    expect(open).toContain("(console)");
  });

  it("secret patterns cover every token family", () => {
    const none: string[] = [];
    expect(findSecretMaterial(`xoxb-${"1".repeat(12)}`, none)).toEqual(["a Slack token"]);
    expect(findSecretMaterial(`github_pat_${"A".repeat(22)}`, none)).toEqual(["a GitHub token"]);
    expect(findSecretMaterial(`ASIA${"Q".repeat(16)}`, none)).toEqual(["an AWS access key"]);
    expect(findSecretMaterial(`doo_v1_${"b".repeat(64)}`, none)).toEqual(["a DigitalOcean token"]);
    expect(findSecretMaterial(`-----BEGIN RSA ${"PRIVATE"} KEY-----`, none)).toEqual(["a PEM private key"]);
    expect(findSecretMaterial("-----BEGIN PUBLIC KEY-----", none)).toEqual([]);
    expect(findSecretMaterial("HMAC_SECRET=", ["HMAC_SECRET"])).toEqual([]);
    expect(findSecretMaterial("HMAC_SECRET: ''", ["HMAC_SECRET"])).toEqual([]);
    expect(findSecretMaterial("X_HMAC_SECRET_Y=1", ["HMAC_SECRET"])).toEqual([]);
    expect(findSecretMaterial("lock-passwd: false\nssh_pwauth: yes", none)).toEqual([]);
    expect(findSecretMaterial("token = null", none)).toEqual([]);
    expect(findSecretMaterial("tokens: 5", none)).toEqual([]);
  });
});
