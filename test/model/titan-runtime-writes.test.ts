// Every filesystem write a deployed Titan service makes (data/titan-runtime-writes.json, traced
// from Titan's source) lands somewhere writable in the generated container spec: inside a tmpfs,
// a read-write mount, or a path the env the stack sets redirects into one. What must survive a
// restart must be on the data volume, never on a tmpfs.
import { readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DATA_MOUNT_POINT } from "../../infra/builders/cloud-init";
import { CONTAINER_NAMES } from "../../infra/model/services";
import { runWorkloads } from "../components/workload-run";

interface Write {
  id: string;
  container: string;
  titanService: string;
  path: string;
  failure: "crash" | "degraded" | "caught" | "unreachable";
  persist: boolean;
  reachable: boolean;
  titan: string[];
  stack: {
    kind: "tmpfs" | "bind" | "env" | "workdir" | "none" | "open";
    path?: string;
    /** kind workdir: the container's working directory, where a relative path lands. */
    workingDir?: string;
    also?: string[];
    env?: { name: string; value: string };
    detail: string;
  };
}
interface RuntimeWrites {
  titan: { commit: string };
  images: { container: string; user: string }[];
  writes: Write[];
}

const data = JSON.parse(
  readFileSync(join(__dirname, "../../data/titan-runtime-writes.json"), "utf8"),
) as RuntimeWrites;

interface Mount {
  type: string;
  source: string;
  target: string;
  readOnly?: boolean;
}
interface ContainerView {
  readOnly?: boolean;
  workingDir?: string;
  tmpfs?: Record<string, string>;
  mounts?: Mount[];
}

/** `path` is `dir` or below it. */
const within = (path: string, dir: string) => {
  const p = posix.normalize(path);
  const d = posix.normalize(dir).replace(/\/$/, "");
  return p === d || p.startsWith(`${d}/`);
};

/**
 * Where a container can write `path`: the innermost tmpfs or read-write mount holding it (a
 * deeper read-only mount wins over a writable parent), the root when it is not read-only, else
 * undefined.
 */
function writableAt(
  path: string,
  c: ContainerView,
): { kind: "tmpfs" | "bind" | "volume" | "root"; at: string; source?: string } | undefined {
  const candidates: { kind: "tmpfs" | "bind" | "volume"; at: string; writable: boolean; source?: string }[] =
    [
      ...Object.keys(c.tmpfs ?? {}).map((at) => ({ kind: "tmpfs" as const, at, writable: true })),
      ...(c.mounts ?? []).map((m) => ({
        kind: m.type === "bind" ? ("bind" as const) : ("volume" as const),
        at: m.target,
        writable: m.readOnly !== true,
        source: m.source,
      })),
    ].filter((m) => within(path, m.at));
  const innermost = candidates.sort((a, b) => b.at.length - a.at.length)[0];
  if (innermost)
    return innermost.writable
      ? { kind: innermost.kind, at: innermost.at, source: innermost.source }
      : undefined;
  return c.readOnly === true ? undefined : { kind: "root", at: "/" };
}

describe("writableAt", () => {
  const spec: ContainerView = {
    readOnly: true,
    tmpfs: { "/tmp": "rw", "/app/x/config": "rw" },
    mounts: [
      { type: "bind", source: "/mnt/titan-data/x", target: "/app/x/data", readOnly: false },
      { type: "volume", source: "cfg", target: "/etc/titan/tls", readOnly: true },
      { type: "volume", source: "v", target: "/var/lib/v" },
    ],
  };
  it("finds the tmpfs or read-write mount holding a path", () => {
    expect(writableAt("/tmp/.titan-scanner/logs/trades.jsonl", spec)).toEqual({ kind: "tmpfs", at: "/tmp" });
    expect(writableAt("/app/x/config/.history", spec)?.at).toBe("/app/x/config");
    expect(writableAt("/app/x/data/dlq", spec)).toEqual({
      kind: "bind",
      at: "/app/x/data",
      source: "/mnt/titan-data/x",
    });
    expect(writableAt("/var/lib/v", spec)?.kind).toBe("volume");
  });
  it("refuses read-only mounts, paths beside a mount and a read-only root", () => {
    expect(writableAt("/etc/titan/tls/ca.crt", spec)).toBeUndefined();
    expect(writableAt("/app/x/database", spec)).toBeUndefined();
    expect(writableAt("/tmpx", spec)).toBeUndefined();
    expect(writableAt("/app/x/logs", spec)).toBeUndefined();
    expect(writableAt("/app/x/logs", { ...spec, readOnly: false })).toEqual({ kind: "root", at: "/" });
  });
  it("lets a read-only mount inside a writable one win", () => {
    const nested: ContainerView = {
      readOnly: true,
      tmpfs: { "/app": "rw" },
      mounts: [{ type: "volume", source: "c", target: "/app/conf", readOnly: true }],
    };
    expect(writableAt("/app/conf/a", nested)).toBeUndefined();
    expect(writableAt("/app/other", nested)?.kind).toBe("tmpfs");
  });
});

describe("data/titan-runtime-writes.json", () => {
  it("is for the Titan commit the contract reads, and every fact cites Titan path:line", () => {
    // biome-ignore lint/security/noSecrets: a Titan commit id, not a secret
    expect(data.titan.commit).toBe("a7c05a02b5f1f70887c1bb8716e36954bff49c21");
    expect(new Set(data.writes.map((w) => w.id)).size).toBe(data.writes.length);
    for (const w of data.writes) {
      expect(w.titan.length, w.id).toBeGreaterThan(0);
      for (const cite of w.titan) expect(cite, w.id).toMatch(/^[\w./-]+:\d+(-\d+)?(,\d+(-\d+)?)*$/);
      expect(CONTAINER_NAMES as readonly string[], w.id).toContain(w.container);
      expect(w.path.startsWith("/"), w.id).toBe(true);
    }
  });

  it("leaves no write that crashes, degrades or must persist without an answer", () => {
    for (const w of data.writes.filter((x) => x.reachable)) {
      if (w.failure === "crash" || w.failure === "degraded" || w.persist)
        expect(w.stack.kind, `${w.id}: ${w.failure}, persist ${w.persist}`).not.toBe("none");
    }
    // Nothing is left open: execution's HALT and ARMED files follow its working directory.
    expect(data.writes.filter((w) => w.stack.kind === "open").map((w) => w.id)).toEqual([]);
  });
});

describe("the prod plan makes every write of a deployed Titan service writable", () => {
  let run: Awaited<ReturnType<typeof runWorkloads>>;
  beforeAll(async () => {
    run = await runWorkloads("split", true, ["titan-console-api"]);
  }, 120_000);

  const answered = data.writes.filter(
    (w) =>
      w.reachable &&
      (w.stack.kind === "tmpfs" ||
        w.stack.kind === "bind" ||
        w.stack.kind === "env" ||
        w.stack.kind === "workdir"),
  );

  it("deploys every container the facts are about", () => {
    for (const i of data.images) expect(run.containerNames).toContain(i.container);
  });

  it("runs no Titan service as root: an image without a USER gets uid 1001", () => {
    const rootImages = data.images
      .filter((i) => i.user.startsWith("root: ") && i.container !== "titan-console")
      .map((i) => i.container)
      .sort();
    // The facts name them (Titan's Dockerfiles have no USER in the final stage).
    expect(rootImages).toEqual(["titan-console-api", "titan-hunter", "titan-sentinel"]);
    for (const name of rootImages)
      expect((run.inputs(name) as { user?: string }).user, name).toBe("1001:1001");
    // The others keep their image's own user (1001 already, or nginx's root master for the console).
    for (const i of data.images.filter((x) => !rootImages.includes(x.container)))
      expect((run.inputs(i.container) as { user?: string }).user, i.container).toBeUndefined();
  });

  it.each(answered.map((w) => [w.id, w] as const))("%s", (_id, w) => {
    const c = run.inputs(w.container) as ContainerView;
    expect(c.readOnly, `${w.container} keeps a read-only root`).toBe(true);
    let target = w.path;
    if (w.stack.kind === "env") {
      const env = w.stack.env;
      if (!env || !w.stack.path) throw new Error(`${w.id}: an env answer names the variable and the path`);
      const set = run.env(w.container).filter((e) => e.name === env.name);
      expect(
        set.map((e) => e.value),
        `${w.container} ${env.name}`,
      ).toEqual([env.value]);
      expect(within(w.stack.path, env.value), `${w.stack.path} is where ${env.name} points`).toBe(true);
      target = w.stack.path;
    }
    if (w.stack.kind === "workdir") {
      // A relative name in Titan lands in the process's working directory.
      const dir = w.stack.workingDir;
      if (!dir || !w.stack.path)
        throw new Error(`${w.id}: a workdir answer names the directory and the path`);
      expect(c.workingDir, `${w.container} runs in ${dir}`).toBe(dir);
      expect(posix.dirname(w.stack.path)).toBe(dir);
      target = w.stack.path;
    }
    for (const path of [target, ...(w.stack.also ?? [])]) {
      const at = writableAt(path, c);
      expect(at, `${w.container} cannot write ${path}`).toBeDefined();
      if (w.stack.kind === "tmpfs") {
        expect(at?.kind, `${path} is on a tmpfs`).toBe("tmpfs");
        if (path === target) expect(at?.at).toBe(w.stack.path);
      }
      if (w.persist) {
        // Survives a restart and a container replacement: a bind mount on the data volume.
        expect(at?.kind, `${w.id} must survive a restart`).toBe("bind");
        expect(within(at?.source ?? "", DEFAULT_DATA_MOUNT_POINT)).toBe(true);
      }
      if (w.stack.kind === "bind") expect(at?.kind).toBe("bind");
    }
  });
});
