// Boundary cases for the Docker helpers.
import { describe, expect, it } from "vitest";
import {
  containerCommand,
  containerUploads,
  describePublished,
  effectiveUploads,
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
