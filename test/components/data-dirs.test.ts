// The data-dirs step under mocks (where it sits in the graph) and its registered script run for
// real by /bin/sh as root on a temporary data root, with stand-ins only for the transport: ssh
// hands the remote command to /bin/sh, docker runs its `-c` script on the temporary root, and
// mountpoint asks the real mountpoint about that root.
import { spawnSync } from "node:child_process";
import { chownSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATA_VOLUME_SUBDIRS, TITAN_OWNED_SUBDIRS } from "../../infra/builders/cloud-init";
import { haveProgram, makeTempDir } from "../builders/real-tool";
import { plainInputs, runStack } from "../support/offline-stack";
import { validRawConfig } from "../support/stack-config";
import { W } from "./workload-run";

describe("data-dirs step in the graph", async () => {
  const raw = validRawConfig("split");
  const run = await runStack(raw.values, raw.secretKeys, "prod");
  const step = run.find.one(W.wait, "trading-data-dirs");
  const containers = run.find.all(W.container).map((c) => ({ c, i: plainInputs(c) }));

  it("runs on the trading host only, after its cloud-init wait", () => {
    expect(
      run.find
        .all(W.wait)
        .filter((r) => r.name.endsWith("-data-dirs"))
        .map((r) => r.name),
    ).toEqual(["trading-data-dirs"]);
    expect(step.dependencies).toContain(run.find.one(W.wait, "trading-cloud-init-wait").urn);
  });

  it("comes before every container that mounts a data-volume directory, and only those", () => {
    const mounting = containers
      .filter(({ i }) =>
        ((i.mounts as { source?: string; type?: string }[] | undefined) ?? []).some(
          (m) => m.type === "bind" && String(m.source).startsWith("/mnt/titan-data/"),
        ),
      )
      .map(({ i }) => String(i.name))
      .sort();
    expect(mounting).toEqual(
      [
        "nats",
        "postgres",
        "redis",
        "titan-ai-quant",
        "titan-brain",
        "titan-execution",
        "titan-powerlaw-lab",
      ].sort(),
    );
    const after = containers
      .filter(({ c }) => c.dependencies.includes(step.urn))
      .map(({ i }) => String(i.name))
      .sort();
    expect(after).toEqual(mounting);
  });

  it("reaches the host as the Docker provider does: pinned keys, the edge as pinned jump", () => {
    const create = String(plainInputs(step).create);
    expect(create).toMatch(/^ssh '-o' 'BatchMode=yes' /);
    expect(create).toContain("'StrictHostKeyChecking=yes'");
    expect(create).toContain("'UserKnownHostsFile=/dev/null'");
    expect(create).toContain("ProxyCommand=");
    expect(create).not.toContain("accept-new");
  });
});

const canRun = haveProgram("mountpoint", "util-linux") && process.getuid?.() === 0;
if (!canRun && process.env.CI) throw new Error("the data-dirs step runs as root in CI (mount, chown)");

describe.runIf(canRun)("data-dirs script, run for real on a temporary data root", () => {
  const tmp = makeTempDir("titan-data-dirs");
  const root = join(tmp.dir, "volume");
  const bin = join(tmp.dir, "bin");
  let create = "";
  let mounted = false;

  beforeAll(async () => {
    const raw = validRawConfig("split");
    const run = await runStack(raw.values, raw.secretKeys, "prod");
    create = String(plainInputs(run.find.one(W.wait, "trading-data-dirs")).create);
    mkdirSync(root, { recursive: true });
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "ssh"), '#!/bin/sh\nfor last; do :; done\nexec /bin/sh -c "$last"\n', {
      mode: 0o755,
    });
    writeFileSync(
      join(bin, "mountpoint"),
      `#!/bin/sh\n[ "$1 $2" = "-q /mnt/titan-data" ] || { echo "unexpected mountpoint $*" >&2; exit 99; }\nexec /usr/bin/mountpoint -q '${root}'\n`,
      { mode: 0o755 },
    );
    // docker stand-in: checks the flags up to the image, then runs the -c script on the temp root.
    writeFileSync(
      join(bin, "docker"),
      `#!/bin/sh
expect="run --rm --network none --user 0:0 --cap-drop ALL --cap-add CHOWN --security-opt no-new-privileges -v /mnt/titan-data:/data --entrypoint /bin/sh"
[ "$(echo "$@" | cut -d' ' -f1-16)" = "$expect" ] || { echo "unexpected docker $*" >&2; exit 125; }
for last; do :; done
exec /bin/sh -c "$(printf '%s' "$last" | sed 's#/data/#${root}/#g')"
`,
      { mode: 0o755 },
    );
  });
  afterAll(() => {
    if (mounted) spawnSync("umount", [root]);
    tmp.cleanup();
  });
  const runStep = () =>
    spawnSync("/bin/sh", ["-c", create], { encoding: "utf8", env: { PATH: `${bin}:/usr/bin:/bin` } });

  it("refuses when the volume is not mounted, and creates nothing", () => {
    const r = runStep();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("titan: the data volume is not mounted at /mnt/titan-data");
    expect(r.stderr).toMatch(
      /titan: preparing the data volume's directories on titan@10\.20\.\d+\.\d+ failed \(exit 4/,
    );
    expect(spawnSync("ls", [root], { encoding: "utf8" }).stdout).toBe("");
  });

  it("creates every directory, Titan's owned by 1001, and leaves an image user's alone; idempotent", () => {
    expect(spawnSync("mount", ["--bind", root, root]).status).toBe(0);
    mounted = true;
    // postgres's directory exists from an earlier boot, owned by the image's user (uid 70).
    mkdirSync(join(root, "postgres"));
    chownSync(join(root, "postgres"), 70, 70);
    for (let pass = 0; pass < 2; pass++) {
      const r = runStep();
      expect(r.status, r.stderr).toBe(0);
    }
    for (const d of DATA_VOLUME_SUBDIRS) expect(statSync(join(root, d)).isDirectory()).toBe(true);
    for (const d of TITAN_OWNED_SUBDIRS) expect(statSync(join(root, d)).uid, d).toBe(1001);
    expect(statSync(join(root, "postgres")).uid).toBe(70);
    expect(statSync(join(root, "redis")).uid).toBe(0);
  });
});
