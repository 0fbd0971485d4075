import { describe, expect, it } from "vitest";
import { containerHardening, isSensitiveHostPath } from "../../policies/container-hardening";
import { container, DIGEST, PRIVATE_IP, T, traefik } from "../fixtures";
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
        { image: `docker.io/library/traefik@${DIGEST}`, ports: [{ internal: 443, external: 443 }] },
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

describe("container-hardening: exact triggers and their non-trigger neighbours", () => {
  const urn = (name: string) => `urn:pulumi:test::titan::${T.container}::${name}`;
  const said = (name: string, problem: string) => `Container '${name}' (${urn(name)}) ${problem}.`;

  it("ignores resources that are not containers", async () => {
    expect(
      await runResourcePolicy(containerHardening, {
        type: T.randomPassword,
        props: { privileged: true, ports: [{ internal: 3100 }] },
      }),
    ).toEqual([]);
  });

  it("names the container by its props.name, falling back to the resource name", async () => {
    const props = { ...container("svc", { privileged: true }).properties, name: "renamed" };
    expect(await runResourcePolicy(containerHardening, { type: T.container, name: "svc", props })).toEqual([
      `Container 'renamed' (${urn("svc")}) runs privileged. Fix: remove privileged: true.`,
    ]);
  });

  it("reports privileged for true, and false only for plainly false", async () => {
    expect(await check("svc", { privileged: true })).toEqual([
      said("svc", "runs privileged. Fix: remove privileged: true"),
    ]);
    expect(await check("svc", { privileged: false })).toEqual([]);
    expect(await check("svc", { privileged: "false" })).toEqual([]);
  });

  it("reports each host namespace field set to host, and nothing else", async () => {
    for (const field of ["networkMode", "pidMode", "ipcMode", "usernsMode", "utsMode"]) {
      expect(await check("svc", { [field]: " Host " }), field).toEqual([
        said("svc", `uses the host namespace (${field}: host). Fix: use the default or a bridge network`),
      ]);
      expect(await check("svc", { [field]: "bridge" }), field).toEqual([]);
      expect(await check("svc", { [field]: "hostile" }), field).toEqual([]);
    }
  });

  it("reports a sensitive mount with the exact message, and leaves safe mounts alone", async () => {
    expect(
      await check("svc", { volumes: [{ hostPath: "/var/lib/docker/volumes", containerPath: "/v" }] }),
    ).toEqual([
      said(
        "svc",
        "mounts sensitive host path /var/lib/docker/volumes (Docker socket or system directory). Fix: use a named volume or a file upload",
      ),
    ]);
    expect(
      await check("svc", {
        volumes: [{ volumeName: "data", containerPath: "/data" }, { hostPath: "/mnt/titan-data/x" }],
        mounts: [
          { type: "volume", source: "pgdata", target: "/data" },
          { type: "tmpfs", target: "/tmp" },
          { type: "bind", source: "/mnt/titan-data/y", target: "/y" },
        ],
      }),
    ).toEqual([]);
    // A bind mount with no type still counts as a bind; a named volume may not smuggle in a host path.
    expect(await check("svc", { mounts: [{ source: "/root", target: "/r" }] })).toEqual([
      expect.stringContaining("mounts sensitive host path /root "),
    ]);
    expect(await check("svc", { mounts: [{ type: "VOLUME", source: "/home/x", target: "/h" }] })).toEqual([
      expect.stringContaining("mounts sensitive host path /home/x "),
    ]);
  });

  it("treats every default system directory as sensitive, with its contents", async () => {
    const defaults = [
      "/etc",
      "/root",
      "/var/run",
      "/run",
      "/proc",
      "/sys",
      "/boot",
      "/dev",
      "/var/lib/docker",
      "/home",
    ];
    for (const dir of defaults) {
      expect(await check("svc", { volumes: [{ hostPath: `${dir}/x`, containerPath: "/x" }] }), dir).toEqual([
        expect.stringContaining(`mounts sensitive host path ${dir}/x `),
      ]);
    }
    expect(await check("svc", { volumes: [{ hostPath: "/", containerPath: "/host" }] })).toEqual([
      expect.stringContaining("mounts sensitive host path / "),
    ]);
  });

  it("normalises surrounding space and a trailing slash on both the path and the list entry", () => {
    expect(isSensitiveHostPath(" /etc/passwd ", ["/etc"])).toBe(true);
    expect(isSensitiveHostPath("/srv", ["/srv/"])).toBe(true);
    expect(isSensitiveHostPath("/srv/x", [" /srv/ "])).toBe(true);
    expect(isSensitiveHostPath("/srvx", ["/srv/"])).toBe(false);
  });

  it("judges host paths against the configured list", async () => {
    const extra = { volumes: [{ hostPath: "/srv/secrets/key", containerPath: "/k" }] };
    expect(await check("svc", extra)).toEqual([]);
    expect(await check("svc", extra, { sensitiveHostPaths: ["/srv/secrets"] })).toEqual([
      expect.stringContaining("mounts sensitive host path /srv/secrets/key "),
    ]);
    expect(
      await check(
        "svc",
        { volumes: [{ hostPath: "/etc", containerPath: "/e" }] },
        { sensitiveHostPaths: ["/srv"] },
      ),
    ).toEqual([]);
  });

  it("accepts every spelling of no-new-privileges and reports its absence exactly", async () => {
    for (const opt of [
      "no-new-privileges",
      "no-new-privileges:true",
      "no-new-privileges=true",
      "No-New-Privileges : TRUE",
    ]) {
      expect(await check("svc", { securityOpts: ["seccomp=default", opt] }), opt).toEqual([]);
    }
    for (const opts of [
      [],
      ["no-new-privileges:false"],
      ["seccomp=default"],
      ["no-new-privileges", "no-new-privileges=false"],
    ]) {
      expect(await check("svc", { securityOpts: opts }), String(opts)).toEqual([
        said("svc", 'lacks securityOpts "no-new-privileges:true". Fix: add it to securityOpts'),
      ]);
    }
  });

  it("requires ALL among the dropped capabilities, and reports its absence exactly", async () => {
    expect(await check("svc", { capabilities: { drops: ["NET_RAW", "all"] } })).toEqual([]);
    for (const capabilities of [undefined, {}, { drops: ["NET_RAW"] }, { adds: ["CHOWN"] }]) {
      expect(await check("svc", { capabilities }), JSON.stringify(capabilities)).toEqual([
        said(
          "svc",
          'does not drop all capabilities. Fix: set capabilities.drops: ["ALL"] and add back only what it needs',
        ),
      ]);
    }
  });

  it("reports a protected port with the exact message, joining host and container port", async () => {
    expect(await check("svc", { ports: [{ internal: 5432, external: 15432 }] })).toEqual([
      said(
        "svc",
        "publishes protected port 5432 on public address (0.0.0.0:15432->5432). Fix: bind it to 127.0.0.1 or the private VPC address",
      ),
    ]);
    expect(await check("svc", { ports: [{ internal: 3100, external: 6379, ip: "::" }] })).toEqual([
      expect.stringContaining("publishes protected port 3100/6379 on public address ([::]:6379->3100)"),
    ]);
    // The proxy is held to the protected list too.
    expect(await check("traefik", { ports: [{ internal: 8222, external: 443 }] })).toEqual([
      expect.stringContaining("publishes protected port 8222 on public address"),
    ]);
    expect(
      await check("svc", { ports: [{ internal: 9000, external: 9000 }] }, { protectedPorts: [9000] }),
    ).toEqual([expect.stringContaining("publishes protected port 9000 on public address")]);
  });

  it("reports a non-proxy public publish with the exact message, and allows private and loopback", async () => {
    expect(await check("svc", { ports: [{ internal: 8080, external: 8081 }] })).toEqual([
      said(
        "svc",
        "publishes 0.0.0.0:8081->8080 on a public address, which only the proxy may do. Fix: bind it to loopback or the VPC address",
      ),
    ]);
    expect(await check("svc", { ports: [{ internal: 8080, external: 80, ip: "127.0.0.1" }] })).toEqual([]);
    expect(await check("svc", { ports: [{ internal: 8080, external: 443, ip: PRIVATE_IP }] })).toEqual([]);
  });

  it("lets the proxy publish exactly 80 and 443, not a neighbour nor a random host port", async () => {
    expect(
      await check("traefik", {
        ports: [
          { internal: 8080, external: 80 },
          { internal: 8443, external: 443 },
        ],
      }),
    ).toEqual([]);
    expect(await check("traefik", { ports: [{ internal: 81, external: 81 }] })).toEqual([
      said("traefik", "proxy publishes 0.0.0.0:81->81 publicly. Fix: the proxy may publish only 80 and 443"),
    ]);
    expect(await check("traefik", { ports: [{ internal: 80 }] })).toEqual([
      said(
        "traefik",
        "proxy publishes 0.0.0.0:random host port->80 publicly. Fix: the proxy may publish only 80 and 443",
      ),
    ]);
    expect(
      await check("traefik", { ports: [{ internal: 80, external: 80 }] }, { proxyContainers: ["edge"] }),
    ).toEqual([expect.stringContaining("which only the proxy may do")]);
  });

  it("declares its config options with the defaults it applies", () => {
    const properties = containerHardening.configSchema?.properties ?? {};
    expect(Object.keys(properties)).toEqual([
      "proxyContainers",
      "proxyImages",
      "allowedCapabilities",
      "protectedPorts",
      "sensitiveHostPaths",
    ]);
    for (const [key, schema] of Object.entries(properties)) {
      expect(schema, key).toMatchObject({ type: "array", description: expect.stringMatching(/\S/) });
    }
    expect(properties.proxyContainers).toMatchObject({ type: "array", default: ["traefik"] });
    expect(properties.protectedPorts).toMatchObject({ default: [3100, 3002, 4222, 8222, 5432, 6379] });
    expect(properties.sensitiveHostPaths).toMatchObject({
      default: [
        "/",
        "/etc",
        "/root",
        "/var/run",
        "/run",
        "/proc",
        "/sys",
        "/boot",
        "/dev",
        "/var/lib/docker",
        "/home",
      ],
    });
  });
});
