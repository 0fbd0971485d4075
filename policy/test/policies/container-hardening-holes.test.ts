// The container hole classes of issue 12: each refused with its exact message, beside its safe
// neighbour, and an adversarial spelling of it.
import { describe, expect, it } from "vitest";
import { containerHardening, isConfigCarrier, isSensitiveHostPath } from "../../policies/container-hardening";
import { container, DIGEST, T, traefik } from "../fixtures";
import { runResourcePolicy } from "../helpers";

const urn = (name: string, type: string = T.container) => `urn:pulumi:test::titan::${type}::${name}`;
const said = (name: string, problem: string) => `Container '${name}' (${urn(name)}) ${problem}.`;
const check = (name: string, extra: Record<string, unknown>, config = {}) =>
  runResourcePolicy(
    containerHardening,
    { type: T.container, name, props: container(name, extra).properties },
    config,
  );

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
    expect(await check("svc", { capabilities: { drops: ["ALL"], adds: ["ALL"] } })).toEqual([message("ALL")]);
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
    expect(await check("svc", { mounts: [{ type: "bind", source: "/var", target: "/host-var" }] })).toEqual([
      mount("/var"),
    ]);
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
      await check("svc", { mounts: [{ type: "bind", source: "/mnt/titan-data/postgres", target: "/data" }] }),
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
