import { describe, expect, it } from "vitest";
import {
  containerPlan,
  durationNs,
  networkCreateBody,
  uploadMode,
  uploadPath,
} from "../../../scripts/deploy-rehearsal/engine-requests";
import { singleFileTar } from "../../../scripts/deploy-rehearsal/tar";

const map = { image: "rehearsal/nats:8b28352b0d5f", bindSource: (p: string) => `/tmp/r/host${p}` };

describe("containerPlan: plan inputs → the provider's Engine API calls", () => {
  const plan = containerPlan(
    {
      name: "nats",
      image: "nats@sha256:8b28",
      envs: ["A=1"],
      command: ["nats-server", "--config", "/etc/nats/nats.conf"],
      labels: [{ label: "titan.config-sha256", value: "abc" }],
      healthcheck: { tests: ["CMD", "true"], interval: "15s", timeout: "5s", startPeriod: "30s", retries: 4 },
      stopTimeout: 30,
      ports: [{ internal: 4222, external: 4222, protocol: "tcp", ip: "10.20.0.11" }],
      mounts: [
        { type: "bind", source: "/mnt/titan-data/jetstream", target: "/data/jetstream", readOnly: false },
        { type: "volume", source: "titan-nats-config", target: "/etc/nats", readOnly: true },
      ],
      tmpfs: { "/tmp": "rw,noexec" },
      capabilities: { adds: ["CHOWN"], drops: ["ALL"] },
      securityOpts: ["no-new-privileges:true"],
      memory: 512,
      memorySwap: 512,
      cgroupParent: "titan-nats.slice",
      init: true,
      networkMode: "titan-bus",
      networksAdvanced: [{ name: "titan-bus", aliases: ["nats"] }],
      ipcMode: "private",
      privileged: false,
      publishAllPorts: false,
      restart: "unless-stopped",
      readOnly: true,
      logDriver: "json-file",
      logOpts: { "max-size": "10m" },
      uploads: [{ file: "/etc/nats/nats.conf", content: "port: 4222\n", permissions: "0444" }],
    },
    map,
  );

  it("creates with the exact config and HostConfig", () => {
    expect(plan.create).toEqual({
      method: "POST",
      path: "/containers/create?name=nats",
      body: {
        Image: "rehearsal/nats:8b28352b0d5f",
        Hostname: "",
        Domainname: "",
        Tty: false,
        OpenStdin: false,
        StopSignal: "",
        StopTimeout: 30,
        Env: ["A=1"],
        Cmd: ["nats-server", "--config", "/etc/nats/nats.conf"],
        ExposedPorts: { "4222/tcp": {} },
        Labels: { "titan.config-sha256": "abc" },
        Healthcheck: { Test: ["CMD", "true"], Interval: 15e9, Timeout: 5e9, StartPeriod: 30e9, Retries: 4 },
        HostConfig: {
          Privileged: false,
          PublishAllPorts: false,
          RestartPolicy: { Name: "unless-stopped", MaximumRetryCount: 0 },
          Mounts: [
            {
              Type: "bind",
              Target: "/data/jetstream",
              Source: "/tmp/r/host/mnt/titan-data/jetstream",
              ReadOnly: false,
            },
            { Type: "volume", Target: "/etc/nats", Source: "titan-nats-config", ReadOnly: true },
          ],
          AutoRemove: false,
          ReadonlyRootfs: true,
          LogConfig: { Type: "json-file", Config: { "max-size": "10m" } },
          Tmpfs: { "/tmp": "rw,noexec" },
          PortBindings: { "4222/tcp": [{ HostIp: "10.20.0.11", HostPort: "4222" }] },
          CapAdd: ["CHOWN"],
          CapDrop: ["ALL"],
          SecurityOpt: ["no-new-privileges:true"],
          Memory: 512 * 1024 * 1024,
          MemorySwap: 512 * 1024 * 1024,
          NetworkMode: "titan-bus",
          IpcMode: "private",
          CgroupParent: "titan-nats.slice",
          Init: true,
        },
        NetworkingConfig: {},
      },
    });
  });

  it("then leaves the default bridge and joins each advanced network with its aliases", () => {
    expect(plan.connects).toEqual([
      { method: "POST", path: "/networks/bridge/disconnect", body: { Container: "nats", Force: false } },
      {
        method: "POST",
        path: "/networks/titan-bus/connect",
        body: { Container: "nats", EndpointConfig: { Aliases: ["nats"], IPAMConfig: {} } },
      },
    ]);
  });

  it("sets the working directory, and refuses an input it would silently drop", () => {
    const execution = containerPlan(
      {
        name: "titan-execution",
        image: "x",
        command: ["/app/titan-execution-rs"],
        workingDir: "/var/lib/titan-execution",
      },
      map,
    );
    expect(execution.create.body).toMatchObject({
      Cmd: ["/app/titan-execution-rs"],
      WorkingDir: "/var/lib/titan-execution",
    });
    const withUnknown = { name: "x", image: "x", hostname: "h", domainname: "d" } as unknown as Parameters<
      typeof containerPlan
    >[0];
    expect(() => containerPlan(withUnknown, map)).toThrow(
      "container x: input(s) hostname, domainname are not translated to Engine API calls",
    );
  });

  it("uploads each file to / with its mode, and starts unless start is false", () => {
    expect(plan.uploads).toEqual([
      { file: "/etc/nats/nats.conf", mode: 0o444, content: Buffer.from("port: 4222\n") },
    ]);
    // biome-ignore lint/security/noSecrets: an API path and a fake digest, not secrets
    expect(uploadPath("nats")).toBe("/containers/nats/archive?path=%2F");
    expect([plan.start, plan.hasHealthcheck]).toEqual([true, true]);
    const carrier = containerPlan(
      { name: "nats-config", image: "x", start: false, networkMode: "none" },
      map,
    );
    expect([carrier.start, carrier.hasHealthcheck, carrier.connects]).toEqual([false, false, []]);
  });
});

describe("small translations", () => {
  it("parses Go durations and refuses anything else, naming the value", () => {
    expect(durationNs("1m30s")).toBe(90e9);
    expect(durationNs("250ms")).toBe(250e6);
    expect(() => durationNs("15")).toThrow(
      "healthcheck duration '15' is not a Go duration (e.g. 15s). Fix: use <n>s, <n>m or <n>h",
    );
  });

  it("computes the upload mode as the provider does", () => {
    expect(uploadMode({ file: "/a", permissions: "0600" })).toBe(0o600);
    expect(uploadMode({ file: "/a", executable: true })).toBe(0o744);
    expect(uploadMode({ file: "/a" })).toBe(0o644);
  });

  it("creates networks with the plan's driver and internal flag", () => {
    expect(
      networkCreateBody({ name: "titan-data", driver: "bridge", internal: true, attachable: false }),
    ).toEqual({
      Name: "titan-data",
      CheckDuplicate: true,
      Driver: "bridge",
      Internal: true,
      Attachable: false,
    });
  });

  it("writes a one-file ustar archive with the absolute name and a valid checksum", () => {
    const tar = singleFileTar("/etc/nats/nats.conf", 0o444, Buffer.from("hello"), 1700000000);
    expect(tar.length).toBe(512 + 512 + 1024);
    expect(tar.subarray(0, 19).toString()).toBe("/etc/nats/nats.conf");
    expect(tar.subarray(100, 107).toString()).toBe("0000444");
    expect(tar.subarray(124, 135).toString()).toBe("00000000005");
    expect(tar.subarray(257, 262).toString()).toBe("ustar");
    expect(tar.subarray(512, 517).toString()).toBe("hello");
    const header = Buffer.from(tar.subarray(0, 512));
    const stored = Number.parseInt(header.subarray(148, 154).toString(), 8);
    header.fill(0x20, 148, 156);
    expect(stored).toBe(header.reduce((s, b) => s + b, 0));
  });
});
