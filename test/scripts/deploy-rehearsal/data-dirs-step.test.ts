import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runStepScript, writeStepShims } from "../../../scripts/deploy-rehearsal/data-dirs-step";

describe("the data-dirs step's stand-ins", () => {
  const tmp = mkdtempSync(join(tmpdir(), "titan-step-shims-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  // Stand-ins for the real docker CLI and mountpoint: print what they were given.
  const fakeDocker = join(tmp, "fake-docker");
  writeFileSync(fakeDocker, '#!/bin/sh\nfor a; do printf "<%s>" "$a"; done\necho\n', { mode: 0o755 });
  const fakeMountpoint = join(tmp, "fake-mountpoint");
  writeFileSync(fakeMountpoint, '#!/bin/sh\necho "mountpoint $*" >&2\n', { mode: 0o755 });
  const digest = `redis@sha256:${"cd".repeat(32)}`;
  const shims = writeStepShims(join(tmp, "bin"), {
    hostRoot: "/tmp/r/host",
    images: new Map([[digest, "rehearsal/redis:cdcdcdcdcdcd"]]),
    docker: fakeDocker,
    mountpoint: fakeMountpoint,
  });

  it("hands ssh's remote command to /bin/sh, with the mount point and the image moved", () => {
    const r = runStepScript(
      `ssh -o X titan@10.0.0.1 'docker run --rm -v /mnt/titan-data:/data --entrypoint /bin/sh ${digest} -c "mkdir -p /data/a b" >&2'`,
      { shims, socket: "/tmp/none.sock" },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      "<run><--rm><-v></tmp/r/host/mnt/titan-data:/data><--entrypoint></bin/sh><rehearsal/redis:cdcdcdcdcdcd><-c><mkdir -p /data/a b>",
    );
  });

  it("keeps every other argument as it was, spaces and all", () => {
    const out = runStepScript(
      `docker run -v /mnt/titan-data:/data ${digest} -c 'set -e; mkdir -p /data/x' >&2`,
      { shims, socket: "/tmp/none.sock" },
    );
    expect(out.stderr).toBe(
      "<run><-v></tmp/r/host/mnt/titan-data:/data><rehearsal/redis:cdcdcdcdcdcd><-c><set -e; mkdir -p /data/x>",
    );
  });

  it("asks mountpoint about the moved mount point, and only about the droplet's", () => {
    expect(runStepScript("mountpoint -q /mnt/titan-data", { shims, socket: "/s" }).stderr).toBe(
      "mountpoint -q /tmp/r/host/mnt/titan-data",
    );
    const other = runStepScript("mountpoint -q /srv", { shims, socket: "/s" });
    expect([other.status, other.stderr]).toEqual([99, "unexpected mountpoint -q /srv"]);
  });
});
