import { describe, expect, it } from "vitest";
import { containerHardening, isSensitiveHostPath } from "../../policies/container-hardening";
import { container, PRIVATE_IP, T, traefik } from "../fixtures";
import { runResourcePolicy } from "../helpers";

const check = (name: string, extra: Record<string, unknown>, config = {}) =>
  runResourcePolicy(
    containerHardening,
    { type: T.container, name, props: container(name, extra).properties },
    config,
  );

describe("container-hardening", () => {
  it("passes hardened containers, private publishes and the proxy on 80/443", async () => {
    expect(
      await check("titan-brain", { ports: [{ internal: 3100, external: 3100, ip: PRIVATE_IP }] }),
    ).toEqual([]);
    expect(await check("nats", { ports: [{ internal: 8222, ip: "127.0.0.1" }] })).toEqual([]);
    expect(
      await runResourcePolicy(containerHardening, { type: T.container, props: traefik().properties }),
    ).toEqual([]);
  });

  it("refuses a protected port with no ip (0.0.0.0) or on ::", async () => {
    const [noIp] = await check("titan-brain", { ports: [{ internal: 3100, external: 3100 }] });
    expect(noIp).toContain("Container 'titan-brain'");
    expect(noIp).toContain("publishes protected port 3100 on public address (0.0.0.0:3100->3100)");
    const [v6] = await check("redis", { ports: [{ internal: 6379, ip: "::" }] });
    expect(v6).toContain("protected port 6379");
  });

  it("lets only the proxy publish publicly, and only 80/443", async () => {
    const [other] = await check("titan-console", { ports: [{ internal: 8080, external: 80 }] });
    expect(other).toContain("only the proxy may");
    const [proxy] = await check("traefik", { ports: [{ internal: 8080, external: 8080 }] });
    expect(proxy).toContain("the proxy may publish only 80 and 443");
    expect(
      await check(
        "edge-proxy",
        { ports: [{ internal: 443, external: 443 }] },
        { proxyContainers: ["edge-proxy"] },
      ),
    ).toEqual([]);
  });

  it("refuses privileged, host namespaces and dangerous mounts", async () => {
    const messages = await check("titan-brain", {
      privileged: true,
      networkMode: "HOST",
      pidMode: "host",
      ipcMode: "host",
      volumes: [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" }],
      mounts: [
        { type: "bind", source: "/etc/", target: "/host-etc" },
        { type: "volume", source: "/run/docker.sock", target: "/s" },
        { type: "volume", source: "postgres-data", target: "/data" },
      ],
    });
    expect(messages).toEqual([
      expect.stringContaining("runs privileged"),
      expect.stringContaining("networkMode: host"),
      expect.stringContaining("pidMode: host"),
      expect.stringContaining("ipcMode: host"),
      expect.stringContaining("mounts sensitive host path /var/run/docker.sock"),
      expect.stringContaining("mounts sensitive host path /etc/"),
      expect.stringContaining("mounts sensitive host path /run/docker.sock"),
    ]);
  });

  it("requires no-new-privileges and dropping ALL capabilities", async () => {
    const messages = await check("redis", { securityOpts: [], capabilities: { drops: ["NET_RAW"] } });
    expect(messages).toEqual([
      expect.stringContaining("no-new-privileges"),
      expect.stringContaining('capabilities.drops: ["ALL"]'),
    ]);
    expect(
      await check("redis", { securityOpts: ["no-new-privileges"], capabilities: { drops: ["all"] } }),
    ).toEqual([]);
  });

  it("classifies host paths", () => {
    const sensitive = ["/", "/etc", "/proc"];
    expect(isSensitiveHostPath("/", sensitive)).toBe(true);
    expect(isSensitiveHostPath("/etc/../etc/shadow", sensitive)).toBe(true);
    expect(isSensitiveHostPath("/proc/1/root", sensitive)).toBe(true);
    expect(isSensitiveHostPath("/srv/docker.sock", sensitive)).toBe(true);
    expect(isSensitiveHostPath("/mnt/data", sensitive)).toBe(false);
    expect(isSensitiveHostPath("/etcetera", sensitive)).toBe(false);
  });
});
