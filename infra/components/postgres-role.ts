import * as command from "@pulumi/command";
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { shellQuote } from "../builders/backup/backup-env";
import {
  buildRolePasswordSql,
  rolePasswordPsqlCommand,
  scramSha256Verifier,
} from "../builders/postgres-role-password";
import { knownHostsName, type PinnedHop, type SshTarget, sshOptions } from "../builders/ssh-access";

export interface PostgresRolePasswordArgs {
  /** The trading host as its Docker provider reaches it, with its pinned key (and the jump's). */
  target: pulumi.Input<PinnedHop & SshTarget>;
  /** The running postgres container; healthy once created (`wait: true`). */
  postgres: docker.Container;
  role: string;
  /** The image's POSTGRES_USER: a superuser the container's local socket trusts. */
  superuser: string;
  password: pulumi.Input<string>;
  /** Base64 salt, kept in state (GeneratedSecrets.postgresScramSalt). */
  salt: pulumi.Input<string>;
}

/**
 * The local /bin/sh script: ssh to the host (pinned keys, the jump, the shared connection, as the
 * Docker provider), psql in the postgres container reading the SQL from this script's stdin.
 */
export function rolePasswordScript(
  t: PinnedHop & SshTarget,
  container: string,
  role: string,
  superuser: string,
) {
  const ssh = [
    "ssh",
    ...sshOptions(t).map(shellQuote),
    `${t.user}@${t.address}`,
    shellQuote(rolePasswordPsqlCommand(container, superuser)),
  ].join(" ");
  const where = `container ${container} on ${t.user}@${knownHostsName(t)}`;
  // ssh returns psql's status (1 fatal, 2 no connection, 3 a statement failed) or 255 for ssh.
  const before = `titan: setting the password of Postgres role ${role} failed (psql in ${where}, exit `;
  const after =
    "; its error is above). Postgres keeps its previous password and no client of it was replaced. Fix the cause and run pulumi up again.";
  return `${ssh} || { rc=$?; echo ${shellQuote(before)}"$rc"${shellQuote(after)} >&2; exit 1; }`;
}

/**
 * Sets the Postgres role's password in the running database (the image applies POSTGRES_PASSWORD
 * only when it initialises an empty data directory). Runs after the postgres container is healthy;
 * every client of the password depends on this, so a rotation reaches Postgres before any client
 * is replaced. Re-runs when the password (so the verifier on stdin) changes, and when the postgres
 * container is replaced; the same verifier again is a no-op. A failure fails `pulumi up`.
 */
export function createPostgresRolePassword(
  name: string,
  args: PostgresRolePasswordArgs,
  parent: pulumi.Resource,
): command.local.Command {
  const stdin = pulumi.all([args.password, args.salt]).apply(([password, salt]) =>
    buildRolePasswordSql({
      role: args.role,
      verifier: scramSha256Verifier(password, Buffer.from(salt, "base64")),
    }),
  );
  const script = pulumi
    .all([args.target, args.postgres.name])
    .apply(([t, container]) => rolePasswordScript(t, container, args.role, args.superuser));
  return new command.local.Command(
    name,
    {
      create: script,
      update: script,
      stdin: pulumi.secret(stdin),
      interpreter: ["/bin/sh", "-c"],
      // A replaced postgres container may have initialised a new data directory: set it again.
      triggers: [args.postgres.id],
      logging: "stderr",
    },
    { parent, dependsOn: [args.postgres], additionalSecretOutputs: ["stdin"] },
  );
}
