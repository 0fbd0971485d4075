import { describe, expect, it } from "vitest";
import { containerHardening, isConfigCarrier, isSensitiveHostPath } from "../../policies/container-hardening";
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
      "/usr",
      "/bin",
      "/sbin",
      "/lib",
      "/lib32",
      "/lib64",
      "/libx32",
      "/var/spool",
    ];
    for (const dir of defaults) {
      expect(await check("svc", { volumes: [{ hostPath: `${dir}/x`, containerPath: "/x" }] }), dir).toEqual([
        expect.stringContaining(`mounts sensitive host path ${dir}/x `),
      ]);
    }
    expect(await check("svc", { volumes: [{ hostPath: "/", containerPath: "/host" }] })).toEqual([
      expect.stringContaining("mounts sensitive host path / "),
    ]);
    // Neighbours that only share a prefix, and state under /var/lib, are not system directories.
    const neighbours = ["/usrdata/x", "/libs/x", "/var/spooler/x", "/var/lib/titan/x"];
    expect(
      await check("svc", { volumes: neighbours.map((hostPath) => ({ hostPath, containerPath: "/n" })) }),
    ).toEqual([]);
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
        "/usr",
        "/bin",
        "/sbin",
        "/lib",
        "/lib32",
        "/lib64",
        "/libx32",
        "/var/spool",
      ],
    });
  });
});

// The container hole classes of issue 12: each refused with its exact message, beside its safe
// neighbour, and an adversarial spelling of it.
describe("container-hardening: hole classes (issue 12)", () => {
  const urn = (name: string, type: string = T.container) => `urn:pulumi:test::titan::${type}::${name}`;
  const said = (name: string, problem: string) => `Container '${name}' (${urn(name)}) ${problem}.`;

  /** A never-started config carrier as the program builds it. */
  const carrier = (extra: Record<string, unknown> = {}) => ({
    start: false,
    mustRun: false,
    networkMode: "none",
    ports: [],
    envs: [],
    readOnly: false,
    restart: "no",
    mounts: [{ type: "volume", source: "titan-nats-config", target: "/etc/nats", readOnly: false }],
    ...extra,
  });

  describe("container-hardening: capabilities added back", () => {
    const message = (caps: string) =>
      said(
        "svc",
        `adds back capabilities ${caps} (allowed: CHOWN, SETUID, SETGID, FOWNER, DAC_OVERRIDE, NET_BIND_SERVICE). Fix: remove them from capabilities.adds`,
      );
    it("refuses a capability outside the allowed set, in any spelling", async () => {
      expect(await check("svc", { capabilities: { drops: ["ALL"], adds: ["SYS_ADMIN"] } })).toEqual([
        message("SYS_ADMIN"),
      ]);
      // Adversarial: Docker accepts the CAP_ prefix and lower case.
      expect(
        await check("svc", { capabilities: { drops: ["ALL"], adds: ["cap_net_admin", " Sys_Ptrace "] } }),
      ).toEqual([message("NET_ADMIN, SYS_PTRACE")]);
      expect(await check("svc", { capabilities: { drops: ["ALL"], adds: ["ALL"] } })).toEqual([
        message("ALL"),
      ]);
    });
    it("allows the ones postgres, redis and Traefik need", async () => {
      expect(
        await check("svc", {
          capabilities: { drops: ["ALL"], adds: ["CHOWN", "CAP_SETUID", "net_bind_service"] },
        }),
      ).toEqual([]);
      expect(
        await check(
          "svc",
          { capabilities: { drops: ["ALL"], adds: ["NET_RAW"] } },
          { allowedCapabilities: ["NET_RAW"] },
        ),
      ).toEqual([]);
    });
  });

  describe("container-hardening: confinement and no-new-privileges", () => {
    const nnp = said("svc", 'lacks securityOpts "no-new-privileges:true". Fix: add it to securityOpts');
    const unconfined = (o: string) =>
      said(
        "svc",
        `disables a kernel confinement (securityOpts "${o}"). Fix: remove it; keep Docker's default profile`,
      );
    it("refuses seccomp, apparmor, label and systempaths unconfined, whatever the separator", async () => {
      expect(
        await check("svc", {
          securityOpts: [
            "no-new-privileges:true",
            "seccomp=unconfined",
            "apparmor:unconfined",
            "Label=Disable",
            "systempaths=unconfined",
          ],
        }),
      ).toEqual([
        unconfined("seccomp=unconfined"),
        unconfined("apparmor:unconfined"),
        unconfined("label=disable"),
        unconfined("systempaths=unconfined"),
      ]);
    });
    it("keeps a named seccomp/apparmor profile", async () => {
      expect(
        await check("svc", {
          securityOpts: [
            "no-new-privileges:true",
            "seccomp=/etc/docker/seccomp.json",
            "apparmor=docker-default",
          ],
        }),
      ).toEqual([]);
    });
    it("the last no-new-privileges wins (Docker applies them in order)", async () => {
      expect(
        await check("svc", { securityOpts: ["no-new-privileges:true", "no-new-privileges:false"] }),
      ).toEqual([nnp]);
      expect(
        await check("svc", { securityOpts: ["no-new-privileges:false", "no-new-privileges:true"] }),
      ).toEqual([]);
      // Adversarial: an unreadable value does not count as on.
      expect(await check("svc", { securityOpts: ["no-new-privileges:yes"] })).toEqual([nnp]);
    });
  });

  describe("container-hardening: privileged, devices, namespaces, publishAllPorts", () => {
    const privileged = said("svc", "runs privileged. Fix: remove privileged: true");
    it("privileged as a string or number counts (fail closed)", async () => {
      for (const value of ["true", "TRUE", 1, "1", "yes", {}]) {
        expect(await check("svc", { privileged: value }), JSON.stringify(value)).toEqual([privileged]);
      }
      for (const value of [false, "false", " False ", 0, null]) {
        expect(await check("svc", { privileged: value }), JSON.stringify(value)).toEqual([]);
      }
    });
    it("refuses devices", async () => {
      expect(await check("svc", { devices: [{ hostPath: "/dev/sda", containerPath: "/dev/sda" }] })).toEqual([
        said("svc", "is given host devices (/dev/sda). Fix: remove devices; no Titan service needs one"),
      ]);
      expect(await check("svc", { devices: ["/dev/mem"] })).toEqual([
        said(
          "svc",
          "is given host devices (unreadable devices). Fix: remove devices; no Titan service needs one",
        ),
      ]);
      expect(await check("svc", { devices: [] })).toEqual([]);
    });
    it("refuses the host cgroup namespace", async () => {
      expect(await check("svc", { cgroupnsMode: "Host" })).toEqual([
        said("svc", "uses the host namespace (cgroupnsMode: host). Fix: use the default or a bridge network"),
      ]);
      expect(await check("svc", { cgroupnsMode: "private" })).toEqual([]);
    });
    it("refuses publishAllPorts, in any truthy spelling", async () => {
      const message = said(
        "svc",
        "publishes every exposed port on 0.0.0.0 (publishAllPorts). Fix: set publishAllPorts: false and list ports with an ip",
      );
      expect(await check("svc", { publishAllPorts: true })).toEqual([message]);
      expect(await check("svc", { publishAllPorts: "true" })).toEqual([message]);
      expect(await check("svc", { publishAllPorts: false })).toEqual([]);
    });
  });

  describe("container-hardening: host paths", () => {
    const mount = (p: string) =>
      said(
        "svc",
        `mounts sensitive host path ${p} (Docker socket or system directory). Fix: use a named volume or a file upload`,
      );
    it("a parent of a sensitive path is sensitive", async () => {
      expect(await check("svc", { mounts: [{ type: "bind", source: "/var", target: "/host-var" }] })).toEqual(
        [mount("/var")],
      );
      expect(await check("svc", { volumes: [{ hostPath: "/var/lib", containerPath: "/x" }] })).toEqual([
        mount("/var/lib"),
      ]);
      // Adversarial spellings of the same parent.
      expect(isSensitiveHostPath("/var/./", ["/var/run"])).toBe(true);
      expect(isSensitiveHostPath("//var//", ["/var/lib/docker"])).toBe(true);
      expect(isSensitiveHostPath("relative/dir", [])).toBe(true);
      expect(isSensitiveHostPath("$HOME/x", [])).toBe(true);
    });
    it("a data directory beside them is not", async () => {
      expect(
        await check("svc", {
          mounts: [{ type: "bind", source: "/mnt/titan-data/postgres", target: "/data" }],
        }),
      ).toEqual([]);
      expect(isSensitiveHostPath("/var/lib/titan", ["/var/run", "/var/lib/docker"])).toBe(false);
      expect(isSensitiveHostPath("/variable", ["/var/run"])).toBe(false);
    });
    it("inline volumeOptions that bind a host path are judged", async () => {
      expect(
        await check("svc", {
          mounts: [
            {
              type: "volume",
              source: "sneaky",
              target: "/x",
              volumeOptions: {
                driverName: "local",
                driverOptions: { type: "none", o: "bind", device: "/etc" },
              },
            },
          ],
        }),
      ).toEqual([mount("/etc")]);
    });
    it("a Docker Volume resource whose driverOpts bind a host path is refused", async () => {
      const volume = (driverOpts: Record<string, unknown>) =>
        runResourcePolicy(containerHardening, {
          type: "docker:index/volume:Volume",
          name: "v",
          props: { name: "v", driverOpts },
        });
      expect(await volume({ type: "none", o: "bind", device: "/run" })).toEqual([
        `Volume 'v' (${urn("v", "docker:index/volume:Volume")}) binds sensitive host path /run through driverOpts (Docker socket, a system directory or a parent of one). Fix: a plain named volume, no device.`,
      ]);
      // Adversarial: the device given inside `o`.
      expect(await volume({ type: "none", o: "bind,device=/var" })).toHaveLength(1);
      expect(await volume({ type: "none", o: "bind", device: "/mnt/titan-data/x" })).toEqual([]);
      expect(await volume({})).toEqual([]);
    });
  });

  describe("container-hardening: read-only root, config carriers", () => {
    const writable = said(
      "svc",
      "has a writable root filesystem (readOnly is not true). Fix: set readOnly: true and mount a volume or tmpfs where it writes; only a never-started config carrier (start: false, mustRun: false, networkMode none, no ports, no env) may keep it writable",
    );
    it("refuses a writable root on a service", async () => {
      expect(await check("svc", { readOnly: false })).toEqual([writable]);
      expect(await check("svc", { readOnly: "true" })).toEqual([writable]);
    });
    it("accepts a writable root on a never-started, networkless, port-less, env-less carrier", async () => {
      expect(await check("svc", carrier())).toEqual([]);
      expect(isConfigCarrier(carrier())).toBe(true);
    });
    it("a carrier that could run or reach anything is a service", async () => {
      for (const change of [
        { start: true },
        { start: undefined },
        { mustRun: true },
        { networkMode: "titan-bus" },
        { ports: [{ internal: 4222, ip: "127.0.0.1" }] },
        { envs: ["A=b"] },
        { networksAdvanced: [{ name: "titan-bus" }] },
      ]) {
        expect(await check("svc", carrier(change)), JSON.stringify(change)).toEqual([writable]);
      }
    });
    it("everything else about a carrier is still judged", async () => {
      expect(
        await check(
          "svc",
          carrier({
            privileged: true,
            mounts: [{ type: "bind", source: "/etc", target: "/etc/nats" }],
            capabilities: { drops: ["ALL"], adds: ["SYS_ADMIN"] },
          }),
        ),
      ).toEqual([
        said("svc", "runs privileged. Fix: remove privileged: true"),
        said(
          "svc",
          "mounts sensitive host path /etc (Docker socket or system directory). Fix: use a named volume or a file upload",
        ),
        said(
          "svc",
          "adds back capabilities SYS_ADMIN (allowed: CHOWN, SETUID, SETGID, FOWNER, DAC_OVERRIDE, NET_BIND_SERVICE). Fix: remove them from capabilities.adds",
        ),
      ]);
    });
  });

  describe("container-hardening: the proxy is what it runs", () => {
    const notProxy = (name: string, where: string) =>
      `Container '${name}' (${urn(name)}) publishes ${where} on a public address, which only the proxy may do. Fix: bind it to loopback or the VPC address.`;
    it("the real Traefik on 80/443 passes", async () => {
      expect(
        await runResourcePolicy(containerHardening, { type: T.container, props: traefik().properties }),
      ).toEqual([]);
      expect(
        await runResourcePolicy(containerHardening, {
          type: T.container,
          props: traefik({ command: ["--configFile=/etc/traefik/traefik.yml"] }).properties,
        }),
      ).toEqual([]);
    });
    it("a container named traefik running another image, entrypoint or program is not the proxy", async () => {
      const pretender = (extra: Record<string, unknown>) =>
        runResourcePolicy(containerHardening, {
          type: T.container,
          name: "traefik",
          props: traefik(extra).properties,
        });
      const both = [notProxy("traefik", "0.0.0.0:80->80"), notProxy("traefik", "0.0.0.0:443->443")];
      expect(await pretender({ image: `postgres@${DIGEST}` })).toEqual(both);
      expect(await pretender({ image: `evil/traefik-lookalike@${DIGEST}` })).toEqual(both);
      expect(await pretender({ entrypoints: ["/bin/sh"] })).toEqual(both);
      expect(await pretender({ command: ["sh", "-c", "nc -l 443"] })).toEqual(both);
    });
  });
});

// Edge cases: branches the tests above do not reach: defaults, alternative spellings, display details.
describe("container-hardening: edge cases", () => {
  it("accepts spellings of no-new-privileges and refuses other host namespaces", async () => {
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
});

// Boundaries found by mutation testing: each is a verdict a regression would flip.
describe("container-hardening: boundaries of the escape checks", () => {
  const urn = (name: string, type: string = T.container) => `urn:pulumi:test::titan::${type}::${name}`;
  const said = (name: string, problem: string) => `Container '${name}' (${urn(name)}) ${problem}.`;
  const mount = (p: string) =>
    said(
      "svc",
      `mounts sensitive host path ${p} (Docker socket or system directory). Fix: use a named volume or a file upload`,
    );
  const volumeRes = (name: string, props: Record<string, unknown>) =>
    runResourcePolicy(containerHardening, { type: "docker:index/volume:Volume", name, props });
  const binds = (name: string, p: string) =>
    `Volume '${name}' (${urn("vol", "docker:index/volume:Volume")}) binds sensitive host path ${p} through driverOpts (Docker socket, a system directory or a parent of one). Fix: a plain named volume, no device.`;

  it("the host root is sensitive as the parent of every listed path, even when the list does not name it", async () => {
    expect(isSensitiveHostPath("/", ["/etc"])).toBe(true);
    expect(isSensitiveHostPath("/.", ["/srv/secrets"])).toBe(true);
    expect(
      await check(
        "svc",
        { volumes: [{ hostPath: "/", containerPath: "/host" }] },
        { sensitiveHostPaths: ["/srv/secrets"] },
      ),
    ).toEqual([mount("/")]);
  });

  it("a bind mount whose source cannot be placed (relative, ~, a variable) is refused, whatever the type's case or with no type", async () => {
    expect(
      await check("svc", {
        mounts: [
          { type: "bind", source: "srv/titan", target: "/a" },
          { type: "BIND", source: "~/.ssh", target: "/b" },
          { source: "$HOME/x", target: "/c" },
        ],
      }),
    ).toEqual([mount("srv/titan"), mount("~/.ssh"), mount("$HOME/x")]);
  });

  it("a named volume whose state carries an empty hostPath is not a host mount", async () => {
    expect(
      await check("svc", { volumes: [{ volumeName: "pgdata", hostPath: "", containerPath: "/data" }] }),
    ).toEqual([]);
  });

  it("reads the host path a volume's driver options bind, in every spelling of o", async () => {
    expect(
      await volumeRes("vol", { name: "vol", driverOpts: { type: "none", o: "bind,device=/etc" } }),
    ).toEqual([binds("vol", "/etc")]);
    // Adversarial: the device alone in o, and a space after the comma.
    expect(await volumeRes("vol", { name: "vol", driverOpts: { type: "none", o: "device=/root" } })).toEqual([
      binds("vol", "/root"),
    ]);
    expect(
      await volumeRes("vol", { name: "vol", driverOpts: { type: "none", o: "bind, source=/var/run" } }),
    ).toEqual([binds("vol", "/var/run")]);
    // An empty device names no host path.
    expect(
      await volumeRes("vol", { name: "vol", driverOpts: { type: "none", o: "bind", device: " " } }),
    ).toEqual([]);
  });

  it("names a Volume by its props.name, falling back to the resource name", async () => {
    const driverOpts = { type: "none", o: "bind", device: "/etc" };
    expect(await volumeRes("vol", { name: "titan-nats-config", driverOpts })).toEqual([
      binds("titan-nats-config", "/etc"),
    ]);
    expect(await volumeRes("vol", { driverOpts })).toEqual([binds("vol", "/etc")]);
  });

  it("no-new-privileges counts only as its own option, not inside another or run together with a value", async () => {
    const nnp = said("svc", 'lacks securityOpts "no-new-privileges:true". Fix: add it to securityOpts');
    for (const opt of ["apparmor=no-new-privileges", "no-new-privileges false"]) {
      expect(await check("svc", { securityOpts: [opt] }), opt).toEqual([nnp]);
    }
  });

  it("refuses the bare label option disable, which Docker reads as label=disable", async () => {
    expect(await check("svc", { securityOpts: ["no-new-privileges:true", "disable"] })).toEqual([
      said(
        "svc",
        `disables a kernel confinement (securityOpts "disable"). Fix: remove it; keep Docker's default profile`,
      ),
    ]);
  });

  it("keeps a profile whose name merely starts with unconfined", async () => {
    expect(
      await check("svc", {
        securityOpts: [
          "no-new-privileges:true",
          "seccomp=unconfined-audit.json",
          "apparmor=unconfined_titan",
        ],
      }),
    ).toEqual([]);
  });

  it("refuses an added capability that is not a name (fail closed)", async () => {
    expect(await check("svc", { capabilities: { drops: ["ALL"], adds: [21] } })).toEqual([
      said(
        "svc",
        "adds back capabilities 21 (allowed: CHOWN, SETUID, SETGID, FOWNER, DAC_OVERRIDE, NET_BIND_SERVICE). Fix: remove them from capabilities.adds",
      ),
    ]);
  });

  it("lists every device given, and a device with no readable host path as ?", async () => {
    expect(
      await check("svc", { devices: [{ hostPath: "/dev/sda" }, { containerPath: "/dev/fuse" }] }),
    ).toEqual([
      said("svc", "is given host devices (/dev/sda, ?). Fix: remove devices; no Titan service needs one"),
    ]);
  });

  it("Traefik pulled by tag or from a registry with a port, or started as traefik, is still the proxy", async () => {
    for (const extra of [
      { image: `traefik:v3.1@${DIGEST}` },
      { image: "traefik:v3.1" },
      { image: `registry.example:5000/library/traefik:v3.1@${DIGEST}` },
      { command: ["traefik", "--configFile=/etc/traefik/traefik.yml"] },
    ]) {
      expect(
        await runResourcePolicy(containerHardening, { type: T.container, props: traefik(extra).properties }),
        JSON.stringify(extra),
      ).toEqual([]);
    }
  });

  it("a container named traefik whose command is not text is not the proxy (fail closed)", async () => {
    const messages = await runResourcePolicy(containerHardening, {
      type: T.container,
      name: "traefik",
      props: traefik({ command: [443] }).properties,
    });
    expect(messages).toEqual([
      expect.stringContaining("publishes 0.0.0.0:80->80 on a public address, which only the proxy may do"),
      expect.stringContaining("publishes 0.0.0.0:443->443 on a public address, which only the proxy may do"),
    ]);
  });
});
