// Stack-wide properties per topology: no secret value anywhere a reader of the plan, the droplet
// metadata or the stack outputs would see it; containers wait for cloud-init on their own host;
// Docker is reached over SSH with host-key checking on.
import { describe, expect, it } from "vitest";
import type { RegisteredResource } from "../../scripts/engine/run-program";
import type { Topology } from "../support/stack-config";
import { runWorkloads, secretStrings, visibleText, W } from "./workload-run";

// biome-ignore lint/security/noSecrets: an ssh option, flagged only for its length.
const STRICT = "StrictHostKeyChecking=yes";

export function describeStackSafety(topology: Topology) {
  describe(`secrets and host access in the ${topology} topology`, async () => {
    const run = await runWorkloads(topology);
    const needles = [
      ...new Set([
        ...Object.values(run.operatorSecrets),
        ...run.resources.flatMap((r) => secretStrings(r.inputs)),
      ]),
    ].filter((s) => s.length >= 12);
    const generated = run.containers.flatMap((c) =>
      (c.inputs.envs as unknown[])
        .flatMap((e) => secretStrings(e))
        .filter((s) => s.startsWith("offline-fake-")),
    );

    it("knows the secrets it looks for: operator fakes, generated passwords, private keys", () => {
      for (const v of Object.values(run.operatorSecrets)) expect(needles).toContain(v);
      // The six generated secrets the default containers use (hmac, jwt, safety, postgres, redis,
      // execution API key), postgres's stable bootstrap password and seven NATS passwords
      // (console-api is not enabled here).
      expect(new Set(generated).size).toBe(14);
      for (const g of generated) expect(needles).toContain(g);
      expect(needles.some((n) => n.includes("BEGIN FAKE OFFLINE EC KEY"))).toBe(true);
      expect(needles.some((n) => n.startsWith("requirepass") || n.includes('requirepass "'))).toBe(true);
    });

    it("no secret value appears in any non-secret resource input", () => {
      const leaks: string[] = [];
      for (const r of run.resources) {
        const visible = visibleText(r.inputs);
        for (const n of needles)
          if (visible.includes(JSON.stringify(n).slice(1, -1))) leaks.push(`${r.name}`);
      }
      expect(leaks).toEqual([]);
    });

    it("no secret value appears in any droplet's user data", () => {
      const userData = run.find.all(W.droplet).map((d) => JSON.stringify(d.inputs.userData));
      expect(userData.length).toBeGreaterThan(0);
      for (const text of userData) for (const n of needles) expect(text.includes(n)).toBe(false);
      for (const text of userData) expect(text).not.toMatch(/offline-fake-|BEGIN FAKE/);
    });

    it("no secret value appears in any stack output", () => {
      const text = JSON.stringify(run.outputs);
      for (const n of needles) expect(text.includes(n)).toBe(false);
    });

    it("generated secrets renew with titan:rotationEpoch and are long enough for HMAC", () => {
      const passwords = run.find.all(W.password);
      // Eight rotating secrets and eight NATS passwords; restic's repository key is stable (protected).
      expect(passwords.filter((p) => p.inputs.keepers !== undefined)).toHaveLength(16);
      for (const p of passwords.filter((x) => x.inputs.keepers !== undefined)) {
        expect(p.inputs.keepers).toEqual({ rotationEpoch: "2026-Q4" });
        expect(p.inputs.length).toBeGreaterThanOrEqual(32);
      }
    });

    const hostNames = topology === "split" ? ["edge", "trading"] : ["single"];
    const waitOf = (host: string) => run.find.one(W.wait, `${host}-cloud-init-wait`);
    const providerOf = (host: string) => run.find.one(W.provider, `${host}-docker`);
    /** Provider inputs reach the engine JSON-encoded when they are not strings. */
    const sshOptsOf = (host: string): string[] => {
      const raw = providerOf(host).inputs.sshOpts;
      return (typeof raw === "string" ? JSON.parse(raw) : raw) as string[];
    };
    /** Every URN a resource waits for, directly or through what it waits for. */
    const closure = (r: RegisteredResource, seen = new Set<string>()): Set<string> => {
      for (const urn of [
        ...r.dependencies,
        ...(r.options.provider ? [r.options.provider.split("::").slice(0, -1).join("::")] : []),
      ]) {
        if (seen.has(urn)) continue;
        seen.add(urn);
        const next = run.find.byUrn(urn);
        if (next) closure(next, seen);
      }
      return seen;
    };

    it.each(hostNames)(
      "every container, image and network on %s waits for that host's cloud-init",
      (host) => {
        const wait = waitOf(host);
        expect(String(wait.inputs.create)).toContain("cloud-init status --wait");
        expect(providerOf(host).options.dependsOn).toContain(wait.urn);
        const onHost = run.resources.filter(
          (r) =>
            [W.container, W.image, W.network, W.volume].includes(r.type as never) &&
            r.name.startsWith(`${host}-`),
        );
        expect(onHost.length).toBeGreaterThan(3);
        for (const r of onHost) {
          expect([r.name, closure(r).has(wait.urn)]).toEqual([r.name, true]);
          expect(r.options.provider).toContain(`${host}-docker`);
        }
      },
    );

    it("reaches Docker over SSH with pinned host keys; trading only through the edge", () => {
      // Checking is never off; accept-new only in the first-contact wait, never for Docker.
      for (const r of run.resources)
        expect(JSON.stringify(r.inputs)).not.toMatch(/StrictHostKeyChecking=(no|off)/i);
      const user = "titan";
      for (const host of hostNames) {
        const opts = sshOptsOf(host).join(" ");
        expect(opts).toContain(STRICT);
        expect(opts).not.toMatch(/accept-new/);
        expect(opts).toContain("KnownHostsCommand=");
        expect(opts).toMatch(/UserKnownHostsFile=\/dev\/null/);
        expect(opts).toContain("ControlMaster=auto");
      }
      if (topology === "split") {
        const trading = providerOf("trading").inputs;
        expect(trading.host).toBe(`ssh://${user}@${run.tradingPrivateIp}`);
        // The jump hop is a ProxyCommand carrying the same strict, pinned options for the edge.
        const proxy = sshOptsOf("trading").find((o) => o.startsWith("ProxyCommand="));
        expect(proxy).toContain(STRICT);
        expect(proxy).toContain(run.edgeIp);
        expect(proxy).not.toMatch(/accept-new/);
        expect(providerOf("edge").inputs.host).toBe(`ssh://${user}@${run.edgeIp}`);
        expect(sshOptsOf("edge").join(" ")).not.toContain("ProxyCommand");
      } else {
        expect(providerOf("single").inputs.host).toBe(`ssh://${user}@${run.edgeIp}`);
      }
    });
  });
}
