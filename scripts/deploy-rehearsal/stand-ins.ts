// Stand-in images, built offline from programs on this machine and loaded with the Engine API's
// import (`docker import`). Each behaves like the real image in what the plan relies on: the
// entrypoint shape, the user, the paths the real image writes, and the healthcheck's tool.
// What they cannot show: anything inside the real Titan images (their code, their own writes).
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { EngineClient } from "./engine-client";

export type StandInKind =
  | "traefik"
  | "nats"
  | "postgres"
  | "redis"
  | "nginx-unprivileged"
  | "titan-console"
  | "titan-node"
  | "titan-execution";

/** Which stand-in a plan image reference gets, from its repository. */
export function standInKind(ref: string): StandInKind {
  const repo = ref.split("@")[0]?.split(":")[0] ?? ref;
  const last = repo.split("/").pop() ?? repo;
  if (repo === "traefik") return "traefik";
  if (repo === "nats") return "nats";
  if (repo === "postgres") return "postgres";
  if (repo === "redis") return "redis";
  if (repo.endsWith("nginx-unprivileged")) return "nginx-unprivileged";
  if (last === "titan-console") return "titan-console";
  if (last === "titan-execution-rs") return "titan-execution";
  if (last.startsWith("titan-")) return "titan-node";
  throw new Error(`no stand-in for image '${ref}'. Fix: add one in scripts/deploy-rehearsal/stand-ins.ts`);
}

/** The local tag a plan reference maps to: Docker refuses to tag an image with a digest. */
export function localTag(ref: string): string {
  const [repo, digest] = ref.split("@");
  const last = (repo ?? ref).split(":")[0]?.split("/").pop() ?? "image";
  return `rehearsal/${last}:${(digest ?? "sha256:none").replace("sha256:", "").slice(0, 12)}`;
}

class RootFs {
  constructor(readonly dir: string) {
    for (const d of [
      "bin",
      "sbin",
      "usr/bin",
      "usr/sbin",
      "usr/local/bin",
      "etc",
      "tmp",
      "run",
      "var",
      "root",
      "dev",
      "proc",
      "sys",
    ])
      mkdirSync(join(dir, d), { recursive: true });
    chmodSync(join(dir, "tmp"), 0o1777);
    // Alpine's layout: /var/run is a link to /run.
    symlinkSync("../run", join(dir, "var/run"));
    copyFileSync("/usr/bin/busybox", join(dir, "bin/busybox"));
    chmodSync(join(dir, "bin/busybox"), 0o755);
    for (const applet of execFileSync("/usr/bin/busybox", ["--list"])
      .toString()
      .split("\n")
      .filter(Boolean)) {
      if (applet === "busybox") continue;
      const link = join(dir, "bin", applet);
      if (!existsSync(link)) symlinkSync("busybox", link);
    }
  }

  path(p: string) {
    return join(this.dir, p);
  }

  write(p: string, text: string, mode = 0o644) {
    mkdirSync(dirname(this.path(p)), { recursive: true });
    writeFileSync(this.path(p), text);
    chmodSync(this.path(p), mode);
  }

  mkdir(p: string, mode = 0o755, owner?: number) {
    mkdirSync(this.path(p), { recursive: true });
    chmodSync(this.path(p), mode);
    if (owner !== undefined) execFileSync("chown", [`${owner}:${owner}`, this.path(p)]);
  }

  link(target: string, p: string) {
    mkdirSync(dirname(this.path(p)), { recursive: true });
    symlinkSync(target, this.path(p));
  }

  /** A real program and the shared libraries ldd lists, at their own paths. */
  program(src: string, dest = src) {
    this.copy(src, dest, 0o755);
    for (const lib of libraries(src)) if (!existsSync(this.path(lib))) this.copy(lib, lib, 0o755);
  }

  copy(src: string, dest: string, mode?: number) {
    mkdirSync(dirname(this.path(dest)), { recursive: true });
    copyFileSync(realpathSync(src), this.path(dest));
    chmodSync(this.path(dest), mode ?? statSync(src).mode & 0o7777);
  }

  tree(src: string, dest = src) {
    mkdirSync(dirname(this.path(dest)), { recursive: true });
    execFileSync("cp", ["-a", src, dirname(this.path(dest))]);
  }

  users(lines: string[]) {
    this.write(
      "etc/passwd",
      `${["root:x:0:0:root:/root:/bin/sh", ...lines.map((l) => l.split("|")[0])].join("\n")}\n`,
    );
    const groups = lines.map((l) => {
      const [name, , uid] = (l.split("|")[0] ?? "").split(":");
      return `${name}:x:${uid}:`;
    });
    this.write("etc/group", `${["root:x:0:", ...groups].join("\n")}\n`);
  }
}

function libraries(bin: string): string[] {
  const out = execFileSync("ldd", [bin]).toString();
  return [...out.matchAll(/(\/[^\s)]+\.so[^\s)]*)/g)].map((m) => m[1] as string);
}

export interface StandIn {
  kind: StandInKind;
  /** Dockerfile instructions for the import (`changes`). */
  changes: string[];
}

const PRIV_DROP = "/usr/bin/setpriv";
/** The PostgreSQL programs the postgres image has on its PATH (server, init, client tools). */
const PG_PROGRAMS = [
  "postgres",
  "initdb",
  "pg_ctl",
  "psql",
  "pg_isready",
  "pg_dump",
  "pg_dumpall",
  "pg_restore",
];
const drop = (uid: number) => `${PRIV_DROP} --reuid=${uid} --regid=${uid} --clear-groups`;

/** Builds the root filesystem for one stand-in; `port` is the service's port (Titan stand-ins). */
export function buildStandIn(kind: StandInKind, dir: string, port: number): StandIn {
  const fs = new RootFs(dir);
  switch (kind) {
    case "traefik": {
      // traefik:v3 (alpine): root, ENTRYPOINT /entrypoint.sh, CMD traefik; healthcheck subcommand.
      fs.users([]);
      fs.write(
        "usr/local/bin/traefik",
        `#!/bin/sh
# Stand-in for the traefik binary: reads the static config as traefik does, serves :80, :443
# and the ping entry point; \`traefik healthcheck --ping\` probes the ping entry point.
conf=/etc/traefik/traefik.yml
ping_port() { awk '/^  ping:/{p=1} p&&/address:/{gsub(/[^0-9]/,"",$2);print $2;exit}' "$conf"; }
if [ "$1" = healthcheck ]; then exec wget -q -O /dev/null "http://127.0.0.1:$(ping_port)/ping"; fi
[ -r "$conf" ] || { echo "traefik: command traefik error: read $conf: no such file" >&2; exit 1; }
[ -d /etc/traefik/dynamic ] || { echo "traefik: file provider directory /etc/traefik/dynamic missing" >&2; exit 1; }
storage=$(awk '/storage:/{print $2;exit}' "$conf")
if [ -n "$storage" ]; then
  ( umask 077; touch "$storage" ) || { echo "traefik: unable to write ACME storage $storage" >&2; exit 1; }
fi
httpd -p 80 -h /srv/www && httpd -p 443 -h /srv/www || exit 1
exec httpd -f -p "$(ping_port)" -h /srv/ping
`,
        0o755,
      );
      fs.write("srv/www/index.html", "traefik stand-in\n");
      fs.write("srv/ping/ping", "OK");
      fs.write(
        "entrypoint.sh",
        `#!/bin/sh
set -e
if [ "\${1#-}" != "$1" ]; then set -- traefik "$@"; fi
exec "$@"
`,
        0o755,
      );
      fs.mkdir("var/lib/traefik");
      return { kind, changes: ['ENTRYPOINT ["/entrypoint.sh"]', 'CMD ["traefik"]'] };
    }
    case "nats": {
      // nats:*-alpine: root, nats-server in /usr/local/bin, docker-entrypoint.sh, busybox wget
      // (the healthcheck and the restore drill's `docker exec titan-drill-nats wget` use it; RootFs
      // links every busybox applet, as alpine's busybox does).
      fs.users([]);
      fs.program("/usr/sbin/nats-server", "/usr/local/lib/nats-server.debian");
      // Debian's nats-server is 2.9, the image 2.10, which added tls `min_version`: the one line
      // 2.9 cannot parse is dropped (said on stderr), the config is read from stdin (read-only root).
      fs.write(
        "usr/local/bin/nats-server",
        `#!/bin/sh
conf=""; prev=""
for a in "$@"; do [ "$prev" = --config ] || [ "$prev" = -c ] && conf="$a"; prev="$a"; done
if [ -n "$conf" ] && grep -q 'min_version' "$conf"; then
  echo "stand-in: nats-server 2.9 has no tls min_version (2.10); dropping that line for the rehearsal" >&2
  grep -v 'min_version' "$conf" | exec /usr/local/lib/nats-server.debian --config /dev/stdin
fi
exec /usr/local/lib/nats-server.debian "$@"
`,
        0o755,
      );
      fs.write(
        "usr/local/bin/docker-entrypoint.sh",
        `#!/bin/sh
set -e
if [ "\${1#-}" != "$1" ]; then set -- nats-server "$@"; fi
exec "$@"
`,
        0o755,
      );
      fs.mkdir("etc/nats");
      fs.write("etc/nats/nats-server.conf", "port: 4222\nhttp: 8222\n");
      return {
        kind,
        changes: [
          'ENTRYPOINT ["docker-entrypoint.sh"]',
          'CMD ["nats-server","--config","/etc/nats/nats-server.conf"]',
        ],
      };
    }
    case "postgres": {
      // postgres:*-alpine: postgres is uid 70; the entrypoint runs as root, creates and chowns
      // PGDATA and /var/run/postgresql, drops to postgres (su-exec there, setpriv here),
      // initialises PGDATA with POSTGRES_USER/POSTGRES_PASSWORD/POSTGRES_DB and runs postgres.
      fs.users(["postgres:x:70:70:postgres:/var/lib/postgresql:/bin/sh"]);
      // The image ships the client programs too: pg_dump, pg_dumpall and pg_restore are what the
      // backup's hooks run with `docker exec` (and the drill in its scratch container).
      for (const b of PG_PROGRAMS) fs.program(`/usr/lib/postgresql/15/bin/${b}`);
      fs.tree("/usr/lib/postgresql/15/lib");
      fs.tree("/usr/share/postgresql/15");
      fs.tree("/usr/share/zoneinfo");
      const sample = fs.path("usr/share/postgresql/15/postgresql.conf.sample");
      writeFileSync(
        sample,
        readFileSync(sample, "utf8").replace(/^#?listen_addresses\s*=\s*\S+.*$/m, "listen_addresses = '*'"),
      );
      for (const b of PG_PROGRAMS) fs.link(`/usr/lib/postgresql/15/bin/${b}`, `usr/local/bin/${b}`);
      fs.program(PRIV_DROP);
      fs.mkdir("var/lib/postgresql", 0o755, 70);
      fs.mkdir("run/postgresql", 0o2777, 70);
      fs.write(
        "usr/local/bin/docker-entrypoint.sh",
        `#!/bin/sh
set -eu
if [ "\${1#-}" != "$1" ]; then set -- postgres "$@"; fi
if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA"
  chmod 00700 "$PGDATA"
  mkdir -p /var/run/postgresql
  chmod 03775 /var/run/postgresql
  find "$PGDATA" \\! -user postgres -exec chown postgres {} +
  find /var/run/postgresql \\! -user postgres -exec chown postgres {} +
  exec ${drop(70)} "$0" "$@"
fi
# As docker_setup_env: POSTGRES_DB defaults to POSTGRES_USER, the host rule's method to scram-sha-256.
POSTGRES_USER="\${POSTGRES_USER:-postgres}"
POSTGRES_DB="\${POSTGRES_DB:-$POSTGRES_USER}"
POSTGRES_HOST_AUTH_METHOD="\${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  # docker_verify_minimum_env: no password is needed only when the host rule is trust.
  if [ -z "\${POSTGRES_PASSWORD:-}" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    echo "Error: Database is uninitialized and superuser password is not specified." >&2; exit 1
  fi
  pw=""
  if [ -n "\${POSTGRES_PASSWORD:-}" ]; then
    printf '%s\\n' "$POSTGRES_PASSWORD" > /tmp/pwfile
    pw=--pwfile=/tmp/pwfile
  fi
  # initdb's own default for the local and loopback rules is trust, as in the image.
  initdb --username="$POSTGRES_USER" $pw -D "$PGDATA" >/dev/null
  rm -f /tmp/pwfile
  printf '\\nhost all all all %s\\n' "$POSTGRES_HOST_AUTH_METHOD" >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start >/dev/null
  if [ "$POSTGRES_DB" != postgres ]; then
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --dbname postgres -c "CREATE DATABASE \\"$POSTGRES_DB\\"" >/dev/null
  fi
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "PostgreSQL init process complete; ready for start up."
fi
exec "$@"
`,
        0o755,
      );
      return {
        kind,
        changes: [
          "ENV PGDATA=/var/lib/postgresql/data",
          'ENTRYPOINT ["docker-entrypoint.sh"]',
          'CMD ["postgres"]',
        ],
      };
    }
    case "redis": {
      // redis:*-alpine: redis is uid 999; WORKDIR /data; the entrypoint chowns /data files not
      // owned by redis and drops to redis (su-exec there, setpriv here), umask 0077. redis-cli is
      // in /usr/local/bin beside the server, sh and awk are alpine's busybox: the healthcheck and
      // the backup's redis_cli hook read requirepass with awk inside the container.
      fs.users(["redis:x:999:999:redis:/data:/bin/sh"]);
      fs.program("/usr/bin/redis-server", "/usr/local/bin/redis-server");
      fs.program("/usr/bin/redis-cli", "/usr/local/bin/redis-cli");
      fs.program(PRIV_DROP);
      fs.mkdir("data", 0o755, 999);
      fs.write(
        "usr/local/bin/docker-entrypoint.sh",
        `#!/bin/sh
set -e
if [ "\${1#-}" != "$1" ] || [ "\${1%.conf}" != "$1" ]; then set -- redis-server "$@"; fi
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
  find . \\! -user redis -exec chown redis {} +
  exec ${drop(999)} "$0" "$@"
fi
umask 0077
exec "$@"
`,
        0o755,
      );
      return {
        kind,
        changes: ["WORKDIR /data", 'ENTRYPOINT ["docker-entrypoint.sh"]', 'CMD ["redis-server"]'],
      };
    }
    case "nginx-unprivileged":
    case "titan-console": {
      // nginx (Debian's binary; compiled temp paths /var/lib/nginx/* are linked to the official
      // image's /var/cache/nginx, logs to stdout/stderr as there), /docker-entrypoint.sh.
      fs.users(["nginx:x:101:101:nginx:/var/cache/nginx:/sbin/nologin"]);
      fs.program("/usr/sbin/nginx");
      fs.copy("/etc/nginx/mime.types", "etc/nginx/mime.types", 0o644);
      fs.link("/var/cache/nginx", "var/lib/nginx");
      fs.link("/dev/stdout", "var/log/nginx/access.log");
      fs.link("/dev/stderr", "var/log/nginx/error.log");
      // Alpine's busybox nc has -z; Debian's busybox-static does not: the same probe by hand.
      fs.write(
        "usr/bin/nc",
        `#!/bin/sh
if [ "$1" = -z ]; then shift; exec busybox nc -w 2 "$@" </dev/null >/dev/null; fi
exec busybox nc "$@"
`,
        0o755,
      );
      fs.write(
        "docker-entrypoint.sh",
        `#!/bin/sh
set -e
if [ "$1" = nginx ] || [ "$1" = nginx-debug ]; then
  touch /etc/nginx/conf.d/default.conf 2>/dev/null || echo "$0: info: can not modify /etc/nginx/conf.d/default.conf (read-only file system?)"
  echo "$0: Configuration complete; ready for start up"
fi
exec "$@"
`,
        0o755,
      );
      fs.write("usr/share/nginx/html/index.html", "<!doctype html><title>stand-in</title>\n");
      if (kind === "nginx-unprivileged") {
        // nginxinc/nginx-unprivileged: uid 101, pid and temp paths under /tmp, /var/cache/nginx
        // owned by 101.
        fs.mkdir("var/cache/nginx", 0o775, 101);
        fs.write(
          "etc/nginx/nginx.conf",
          `worker_processes auto;\npid /tmp/nginx.pid;\nevents {}\nhttp { include mime.types; server { listen 8080; } }\n`,
        );
        return {
          kind,
          changes: ["USER 101", 'ENTRYPOINT ["/docker-entrypoint.sh"]', 'CMD ["nginx","-g","daemon off;"]'],
        };
      }
      // titan-console: FROM nginx:alpine (apps/titan-console/Dockerfile): master as root with
      // `user nginx`, pid /var/run/nginx.pid, temp dirs created and chowned under
      // /var/cache/nginx; the Titan server block on 8080 with /health.
      fs.mkdir("var/cache/nginx");
      fs.write(
        "etc/nginx/nginx.conf",
        `user nginx;
worker_processes auto;
error_log /var/log/nginx/error.log notice;
pid /var/run/nginx.pid;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log /var/log/nginx/access.log;
  include /etc/nginx/conf.d/*.conf;
}
`,
      );
      fs.write(
        "etc/nginx/conf.d/default.conf",
        `server {
  listen ${port};
  server_name _;
  root /usr/share/nginx/html;
  location / { try_files $uri $uri/ /index.html; }
  location /health { access_log off; return 200 "ok"; }
}
`,
      );
      return {
        kind,
        changes: ['ENTRYPOINT ["/docker-entrypoint.sh"]', 'CMD ["nginx","-g","daemon off;"]', "EXPOSE 8080"],
      };
    }
    case "titan-node":
    case "titan-execution": {
      // A Titan service: uid 1001, listens on its port, answers /health once its CA file (the
      // uploaded config) is readable; node for the node images' probe, curl for execution's.
      fs.users(["titan:x:1001:1001:titan:/app:/bin/sh"]);
      if (kind === "titan-node") fs.program("/usr/bin/node", "/usr/local/bin/node");
      else fs.program("/usr/bin/curl");
      fs.write("app/www/health", "ok\n");
      fs.write(
        "app/start.sh",
        `#!/bin/sh
# The CA files the runtimes read (Node: NODE_EXTRA_CA_CERTS; execution-rs: SSL_CERT_FILE) must be
# readable by uid 1001, as the real clients would fail on them otherwise.
for f in "\${NODE_EXTRA_CA_CERTS:-}" "\${SSL_CERT_FILE:-}"; do
  [ -z "$f" ] || [ -r "$f" ] || { echo "titan stand-in: cannot read $f" >&2; exit 1; }
done
${
  kind === "titan-execution"
    ? `# execution-rs writes its HALT and ARMED files into its working directory (circuit_breaker.rs,
# armed_state.rs): it must be writable by uid 1001 and survive, as the stack runs it on the volume.
touch ./system.halt.rehearsal && rm -f ./system.halt.rehearsal || { echo "titan stand-in: cannot write its working directory $(pwd) (system.halt, execution.armed)" >&2; exit 1; }
`
    : ""
}${port > 0 ? `exec httpd -f -p ${port} -h /app/www` : "# No port (powerlaw-lab): a long-lived node process, what its health check looks for.\nexec node -e 'setInterval(() => {}, 1 << 30)'"}
`,
        0o755,
      );
      // The real execution image's binary (Dockerfile: /app/titan-execution-rs, CMD ./titan-execution-rs).
      if (kind === "titan-execution") fs.link("/app/start.sh", "app/titan-execution-rs");
      return { kind, changes: ["USER 1001", "WORKDIR /app", 'CMD ["/app/start.sh"]'] };
    }
  }
}

/** `docker import` through the Engine API: the root filesystem as a tar, tagged `tag`. */
export async function importImage(client: EngineClient, dir: string, tag: string, changes: string[]) {
  const tar = execFileSync("tar", ["-C", dir, "--numeric-owner", "-cf", "-", "."], { maxBuffer: 1 << 30 });
  const [repo, version] = tag.split(":");
  const query = new URLSearchParams({ fromSrc: "-", repo: repo ?? tag, tag: version ?? "latest" });
  for (const change of changes) query.append("changes", change);
  await client.call("POST", `/images/create?${query}`, tar, "application/x-tar");
  return readdirSync(dir).length;
}
