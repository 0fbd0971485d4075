import { describe, expect, it } from "vitest";
import { DATA_VOLUME_SUBDIRS, TITAN_OWNED_SUBDIRS } from "../../infra/builders/cloud-init";
import { dataDirsRemoteCommand } from "../../infra/builders/data-dirs";

const IMAGE = `redis@sha256:${"ab".repeat(32)}`;

describe("dataDirsRemoteCommand", () => {
  const text = dataDirsRemoteCommand({ image: IMAGE });

  it("refuses to run unless the data volume is mounted, before anything else", () => {
    expect(text.startsWith("mountpoint -q /mnt/titan-data || {")).toBe(true);
    expect(text).toContain("exit 4; } && docker run ");
  });

  it("creates every data-volume directory and chowns only Titan's to uid 1001", () => {
    const inner = /-c '([^']*)'$/.exec(text)?.[1] ?? "";
    expect(inner).toBe(
      `set -e; mkdir -p ${DATA_VOLUME_SUBDIRS.map((d) => `/data/${d}`).join(" ")}; chown 1001:1001 ${TITAN_OWNED_SUBDIRS.map((d) => `/data/${d}`).join(" ")}`,
    );
    // What Titan's services write (data/titan-runtime-writes.json) and execution's state.
    expect(TITAN_OWNED_SUBDIRS).toEqual(["execution", "brain", "ai-quant", "powerlaw-lab"]);
    expect(DATA_VOLUME_SUBDIRS).toEqual(
      expect.arrayContaining([...TITAN_OWNED_SUBDIRS, "postgres", "redis"]),
    );
  });

  it("runs with the least it needs: root with CHOWN only, no network, no new privileges, by digest", () => {
    expect(text).toContain(
      `docker run --rm --network none --user 0:0 --cap-drop ALL --cap-add CHOWN --security-opt no-new-privileges -v /mnt/titan-data:/data --entrypoint /bin/sh ${IMAGE} -c `,
    );
  });

  it("refuses an image by tag and a mount point that is not a plain path", () => {
    expect(() => dataDirsRemoteCommand({ image: "redis:7.4.2-alpine" })).toThrow(
      "data dirs: image 'redis:7.4.2-alpine' is not a repository@sha256 reference",
    );
    expect(() => dataDirsRemoteCommand({ image: IMAGE, mountPoint: "/mnt/x; rm -rf /" })).toThrow(
      "is not a plain path",
    );
  });
});
