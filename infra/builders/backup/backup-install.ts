// What lands on the trading host, as one sh script fed to a root shell on stdin: the files
// (base64, so no content can end a heredoc or reach argv), restic if the image lacks it, the
// units enabled, the repository initialised when it does not exist yet. Idempotent.
import { BACKUP_PATHS, BACKUP_UNITS } from "./paths";

export interface InstallFile {
  path: string;
  mode: "0600" | "0644" | "0700" | "0755";
  content: string;
}

function put(f: InstallFile): string {
  if (!/^\/[A-Za-z0-9._@/-]+$/.test(f.path))
    throw new Error(`install path '${f.path}' is not a plain absolute path`);
  const b64 = Buffer.from(f.content, "utf8").toString("base64");
  // printf is a shell builtin: the content never appears in a process's argv.
  return `printf '%s' '${b64}' | base64 -d > '${f.path}.new' && chmod ${f.mode} '${f.path}.new' && mv '${f.path}.new' '${f.path}'`;
}

export function buildInstallScript(files: readonly InstallFile[]): string {
  const dirs = ["/etc/titan-backup", BACKUP_PATHS.cacheDir, BACKUP_PATHS.statusDir];
  return [
    "#!/bin/sh",
    "# Managed by the Titan Pulumi program (infra/builders/backup/backup-install.ts).",
    "set -eu",
    "umask 077",
    "command -v restic >/dev/null 2>&1 || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q restic; }",
    `install -d -m 0700 ${dirs.join(" ")}`,
    ...files.map(put),
    "systemctl daemon-reload",
    `systemctl enable --now ${BACKUP_UNITS.runTimer} ${BACKUP_UNITS.checkTimer}`,
    `${BACKUP_PATHS.script} init`,
    "",
  ].join("\n");
}

/**
 * The remote command the deploy user runs: a root shell on the host through the Docker socket the
 * deploy user already holds (docker group membership is root on the host), using the image of a
 * container the stack runs there, so nothing is pulled. The script arrives on stdin.
 */
export function hostRootShell(imageOfContainer: string, command: string): string {
  if (!/^[a-z0-9][a-z0-9_.-]{0,62}$/.test(imageOfContainer)) {
    throw new Error(`'${imageOfContainer}' is not a container name`);
  }
  return `docker run --rm -i --network host -v /:/host --entrypoint chroot "$(docker inspect -f '{{.Config.Image}}' ${imageOfContainer})" /host ${command}`;
}
