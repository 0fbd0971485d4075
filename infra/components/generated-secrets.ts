import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { SCRAM_SALT_BYTES } from "../builders/postgres-role-password";
import { NATS_USERS, type NatsUser } from "../model/nats-permissions";
import {
  GENERATED_LENGTH,
  GENERATED_SECRETS,
  type GeneratedSecret,
  STABLE_GENERATED_SECRETS,
} from "../model/secret-scope";

export interface GeneratedSecretsArgs {
  /** `titan:rotationEpoch`: every secret here is renewed when it changes (quarterly rotation). */
  rotationEpoch: string;
}

/**
 * The stack's generated secrets. Alphanumeric only: they travel in env values, URLs and config
 * files, where punctuation would need escaping; 48 characters of [A-Za-z0-9] is ~285 bits.
 */
export class GeneratedSecrets extends pulumi.ComponentResource {
  /** Plain values, each a Pulumi secret. */
  readonly values: Readonly<Record<GeneratedSecret, pulumi.Output<string>>>;
  readonly natsPasswords: Readonly<Record<NatsUser, pulumi.Output<string>>>;
  /** bcrypt hashes for nats.conf; secret too (an offline brute force target). */
  readonly natsHashes: Readonly<Record<NatsUser, pulumi.Output<string>>>;
  /**
   * The password the postgres image sets when it initialises an empty data directory. No keepers:
   * the postgres container's env must not change with the epoch (a new env replaces a container).
   * The role's real password (`values.postgres`) is set in the running database right after.
   */
  readonly postgresBootstrap: pulumi.Output<string>;
  /**
   * The SCRAM salt of the Postgres role's verifier (16 random bytes, base64): random as RFC 5802
   * asks, kept in state so a re-run sends the same verifier (no churn), and renewed with the
   * password by the same keeper.
   */
  readonly postgresScramSalt: pulumi.Output<string>;

  constructor(name: string, args: GeneratedSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("titan:workloads:GeneratedSecrets", name, {}, opts);
    const make = (id: string) =>
      new random.RandomPassword(
        `${name}-${id}`,
        { length: GENERATED_LENGTH, special: false, keepers: { rotationEpoch: args.rotationEpoch } },
        { parent: this },
      );
    const values = {} as Record<GeneratedSecret, pulumi.Output<string>>;
    for (const id of GENERATED_SECRETS) values[id] = pulumi.secret(make(id).result);
    // 32 random bytes as 64 hex characters (console-api's AES-256-GCM vault key); no keepers:
    // it encrypts stored credentials and must outlive every rotation epoch.
    for (const id of STABLE_GENERATED_SECRETS) {
      values[id] = pulumi.secret(
        new random.RandomId(`${name}-${id}`, { byteLength: 32 }, { parent: this }).hex,
      );
    }
    const passwords = {} as Record<NatsUser, pulumi.Output<string>>;
    const hashes = {} as Record<NatsUser, pulumi.Output<string>>;
    for (const user of NATS_USERS) {
      const pw = make(`nats-${user}`);
      passwords[user] = pulumi.secret(pw.result);
      hashes[user] = pulumi.secret(pw.bcryptHash);
    }
    this.values = values;
    this.natsPasswords = passwords;
    this.natsHashes = hashes;
    this.postgresBootstrap = pulumi.secret(
      new random.RandomPassword(
        `${name}-postgresBootstrap`,
        { length: GENERATED_LENGTH, special: false },
        { parent: this },
      ).result,
    );
    this.postgresScramSalt = new random.RandomId(
      `${name}-postgres-scram-salt`,
      { byteLength: SCRAM_SALT_BYTES, keepers: { rotationEpoch: args.rotationEpoch } },
      { parent: this },
    ).b64Std;
    this.registerOutputs({});
  }
}
