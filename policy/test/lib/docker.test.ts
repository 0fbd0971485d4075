// Boundary cases for the Docker helpers.
import { describe, expect, it } from "vitest";
import {
  containerCommand,
  containerUploads,
  describePublished,
  effectiveUploads,
  flagSet,
  publishedPorts,
  touchedPorts,
} from "../../lib/docker";
import { container } from "../fixtures";

describe("docker helpers", () => {
  it("reads published ports with the 0.0.0.0 default", () => {
    const ports = publishedPorts({
      ports: [{ internal: "3100" }, { internal: 80, external: 8080, ip: " 127.0.0.1 " }, "junk"],
    });
    expect(ports).toEqual([
      { internal: 3100, external: undefined, ip: "0.0.0.0", isPublic: true },
      { internal: 80, external: 8080, ip: "127.0.0.1", isPublic: false },
    ]);
    const [first] = ports;
    if (!first) throw new Error("no port");
    expect(describePublished(first)).toBe("0.0.0.0:random host port->3100");
    expect(describePublished({ internal: undefined, external: 5, ip: "::", isPublic: true })).toBe(
      "[::]:5->?",
    );
    expect(touchedPorts({ internal: 5, external: 5, ip: "", isPublic: true })).toEqual([5]);
  });

  it("decodes uploads and reads the command", () => {
    expect(
      containerUploads({
        uploads: [
          { file: " /a ", content: "x" },
          { file: "/b", contentBase64: Buffer.from("y").toString("base64") },
          { file: "/c" },
        ],
      }),
    ).toEqual([
      { file: "/a", content: "x" },
      { file: "/b", content: "y" },
      { file: "/c", content: "" },
    ]);
    expect(containerCommand({ command: ["--a", 3, null] })).toEqual(["--a", "3"]);
  });
});

// Config carried into a service through a shared named volume (a never-started carrier container
// uploads it) is judged in the service that mounts it, at the path it appears under there.
describe("config carriers", () => {
  it("maps a carrier's upload to the path the service mounts the volume at", () => {
    const files = effectiveUploads(
      container("svc", { mounts: [{ type: "volume", source: "cfg", target: "/config", readOnly: true }] })
        .properties,
      [
        container("c", {
          mounts: [{ type: "volume", source: "cfg", target: "/etc/nats" }],
          uploads: [
            { file: "/etc/nats/nats.conf", content: "a" },
            { file: "/tmp/elsewhere.conf", content: "b" },
          ],
        }).properties,
        container("d", {
          mounts: [{ type: "volume", source: "other", target: "/etc/nats" }],
          uploads: [{ file: "/etc/nats/nats.conf", content: "c" }],
        }).properties,
      ],
    );
    expect(files).toEqual([{ file: "/config/nats.conf", content: "a" }]);
  });
});

describe("docker helpers: boundaries", () => {
  it("a mapping with no host port touches only the container port, and one with no container port only the host port", () => {
    expect(touchedPorts({ internal: 6379, external: undefined, ip: "0.0.0.0", isPublic: true })).toEqual([
      6379,
    ]);
    expect(touchedPorts({ internal: undefined, external: 5432, ip: "0.0.0.0", isPublic: true })).toEqual([
      5432,
    ]);
  });

  it("an upload with no file name is read with an empty name, not dropped", () => {
    expect(containerUploads({ uploads: [{ content: "x" }] })).toEqual([{ file: "", content: "x" }]);
  });

  it("a flag is unset only when plainly false; anything else counts as set (fail closed)", () => {
    for (const value of [undefined, null, false, 0, "false", " FALSE ", "0", "no", "No", "", "  "]) {
      expect(flagSet(value), JSON.stringify(value)).toBe(false);
    }
    for (const value of [true, 1, "true", "1", "yes", "off", "n", {}, []]) {
      expect(flagSet(value), JSON.stringify(value)).toBe(true);
    }
  });
});

describe("config carriers: which volumes carry files", () => {
  const carrier = (extra: Record<string, unknown>) =>
    container("c", { start: false, mustRun: false, networkMode: "none", ...extra }).properties;

  it("carries through volumes given in the volumes list as well as in mounts", () => {
    const service = container("svc", {
      volumes: [{ volumeName: "cfg", containerPath: "/config" }],
    }).properties;
    const files = effectiveUploads(service, [
      carrier({
        volumes: [{ volumeName: "cfg", containerPath: "/etc/nats" }],
        uploads: [{ file: "/etc/nats/nats.conf", content: "a" }],
      }),
    ]);
    expect(files).toEqual([{ file: "/config/nats.conf", content: "a" }]);
  });

  it("an upload named relative to the root is placed under it", () => {
    const service = container("svc", {
      mounts: [{ type: "volume", source: "cfg", target: "/config" }],
    }).properties;
    const files = effectiveUploads(service, [
      carrier({
        mounts: [{ type: "volume", source: "cfg", target: "/etc/nats" }],
        uploads: [{ file: "etc/nats/nats.conf", content: "a" }],
      }),
    ]);
    expect(files).toEqual([{ file: "/config/nats.conf", content: "a" }]);
  });

  it("anonymous volumes are never shared, so nothing is carried through them", () => {
    const service = container("svc", {
      mounts: [{ type: "volume", target: "/config" }],
      volumes: [{ containerPath: "/config2" }],
    }).properties;
    const files = effectiveUploads(service, [
      carrier({
        mounts: [{ type: "volume", target: "/etc/nats" }],
        volumes: [{ containerPath: "/etc/nats2" }],
        uploads: [
          { file: "/etc/nats/nats.conf", content: "a" },
          { file: "/etc/nats2/nats.conf", content: "b" },
        ],
      }),
    ]);
    expect(files).toEqual([]);
  });

  it("a container listed among the others (the whole stack) does not carry its own uploads to itself", () => {
    const service = container("svc", {
      mounts: [{ type: "volume", source: "cfg", target: "/config" }],
      uploads: [{ file: "/config/nats.conf", content: "own" }],
    }).properties;
    expect(effectiveUploads(service, [service])).toEqual([{ file: "/config/nats.conf", content: "own" }]);
  });
});
