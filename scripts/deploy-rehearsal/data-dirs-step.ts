// The plan's data-dirs step (`<host>-data-dirs`), run as registered against the rehearsal's dockerd:
// its create script goes to /bin/sh with three stand-ins on PATH. ssh hands the remote command to
// /bin/sh (no droplet here); docker is the real CLI on the rehearsal's socket, with the droplet's
// mount point moved under the rehearsal's host root and the image digest mapped to its stand-in's
// local tag; mountpoint asks the real mountpoint about the moved mount point, which the rehearsal
// bind-mounts onto itself as the droplet's volume is mounted there.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_DATA_MOUNT_POINT } from "../../infra/builders/cloud-init";

const sq = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Writes the three stand-ins into `dir` and returns it (for PATH). */
export function writeStepShims(
  dir: string,
  ctx: { hostRoot: string; images: ReadonlyMap<string, string>; docker?: string; mountpoint?: string },
) {
  mkdirSync(dir, { recursive: true });
  const mount = join(ctx.hostRoot, DEFAULT_DATA_MOUNT_POINT);
  writeFileSync(join(dir, "ssh"), '#!/bin/sh\nfor last; do :; done\nexec /bin/sh -c "$last"\n', {
    mode: 0o755,
  });
  writeFileSync(
    join(dir, "mountpoint"),
    `#!/bin/sh\n[ "$1 $2" = ${sq(`-q ${DEFAULT_DATA_MOUNT_POINT}`)} ] || { echo "unexpected mountpoint $*" >&2; exit 99; }\nexec ${ctx.mountpoint ?? "/usr/bin/mountpoint"} -q ${sq(mount)}\n`,
    { mode: 0o755 },
  );
  const cases = [
    `${sq(`${DEFAULT_DATA_MOUNT_POINT}:/data`)}) a=${sq(`${mount}:/data`)} ;;`,
    ...[...ctx.images].map(([ref, tag]) => `${sq(ref)}) a=${sq(tag)} ;;`),
  ];
  writeFileSync(
    join(dir, "docker"),
    `#!/bin/sh\nn=$#\nfor a; do\n  case "$a" in\n    ${cases.join("\n    ")}\n  esac\n  set -- "$@" "$a"\ndone\nshift "$n"\nexec ${ctx.docker ?? "/usr/bin/docker"} "$@"\n`,
    { mode: 0o755 },
  );
  return dir;
}

/** Runs one registered create script; the rehearsal reports its exit status and stderr. */
export function runStepScript(create: string, ctx: { shims: string; socket: string }) {
  const r = spawnSync("/bin/sh", ["-c", create], {
    encoding: "utf8",
    timeout: 120_000,
    env: { PATH: `${ctx.shims}:/usr/sbin:/usr/bin:/sbin:/bin`, DOCKER_HOST: `unix://${ctx.socket}` },
  });
  return { status: r.status, stderr: r.stderr.trim() };
}
