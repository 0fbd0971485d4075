// A rotation under mocks: the same stack run twice, titan:rotationEpoch 2026-Q4 then 2027-Q1 (the
// mocks give new random values for new keepers, as the provider's replacement does). Each server
// and its clients change together, clients wait for their server, postgres itself never changes,
// and the containers whose inputs change are exactly the ones `npm run rotate` says restart.
import { describe, expect, it } from "vitest";
import { CONFIG_HASH_LABEL } from "../../infra/builders/container-spec";
import { scramSha256Verifier } from "../../infra/builders/postgres-role-password";
import { restartedByRotation, serversOf } from "../../infra/builders/rotation-plan";
import { STRICT_HOST_KEYS } from "../../infra/builders/ssh-access";
import type { ContainerName } from "../../infra/model/services";
import { isSecretEnvelope } from "../../scripts/engine/redact";
import type { RegisteredResource } from "../../scripts/engine/run-program";
import { plainInputs, runStack } from "../support/offline-stack";
import { validRawConfig } from "../support/stack-config";
import { envEntries, W } from "./workload-run";

const CONSOLE_API = "titan-console-api";

async function runAt(epoch: string, base: ReturnType<typeof validRawConfig>) {
  const values = {
    ...base.values,
    rotationEpoch: epoch,
    services: JSON.stringify([CONSOLE_API]),
    serviceImages: JSON.stringify({ [CONSOLE_API]: `ghcr.io/example-operator/${CONSOLE_API}:v1.0.0` }),
  };
  const run = await runStack(values, base.secretKeys, "prod");
  const all = run.find.all(W.container);
  const services = all.filter((c) => plainInputs(c).start !== false);
  const byName = new Map(services.map((c) => [String(plainInputs(c).name) as ContainerName, c]));
  const container = (name: ContainerName) => {
    const c = byName.get(name);
    if (!c) throw new Error(`no container ${name}`);
    return c;
  };
  const carrier = (name: ContainerName) => {
    const c = all.find((x) => plainInputs(x).name === `${name}-config`);
    if (!c) throw new Error(`no carrier for ${name}`);
    return c;
  };
  const env = (name: ContainerName, key: string) => {
    const e = envEntries(container(name)).find((x) => x.name === key);
    if (!e) throw new Error(`${name} has no ${key}`);
    return e.value;
  };
  const upload = (name: ContainerName, file: string) => {
    const u = (plainInputs(carrier(name)).uploads as { file: string; content: string }[]).find((x) =>
      x.file.endsWith(file),
    );
    if (!u) throw new Error(`${name} has no upload ${file}`);
    return u.content;
  };
  const label = (name: ContainerName) =>
    (plainInputs(container(name)).labels as { label: string; value: string }[]).find(
      (l) => l.label === CONFIG_HASH_LABEL,
    )?.value;
  const roleCommand = run.find.one("command:local:Command", "trading-postgres-role-password");
  return { run, names: [...byName.keys()], container, env, upload, label, roleCommand };
}

const bcryptHashes = (text: string): string[] => text.match(/\$2[aby]\$[0-9]{2}\$[A-Za-z0-9./]{53}/g) ?? [];
const natsClients = (names: readonly ContainerName[]) => names.filter((n) => serversOf(n).includes("nats"));

describe("rotation: a new titan:rotationEpoch, split topology with console-api", async () => {
  const base = validRawConfig("split");
  const before = await runAt("2026-Q4", base);
  const after = await runAt("2027-Q1", base);

  it("deploys the same containers at both epochs", () => {
    expect(after.names.sort()).toEqual(before.names.sort());
    expect(natsClients(before.names).sort()).toEqual([
      "titan-ai-quant",
      "titan-brain",
      CONSOLE_API,
      "titan-execution",
      "titan-hunter",
      "titan-powerlaw-lab",
      "titan-scavenger",
      "titan-sentinel",
    ]);
  });

  it("NATS: new hashes in nats.conf (new config hash, nats replaced) and a new password for every client", () => {
    const hashesBefore = bcryptHashes(before.upload("nats", "nats.conf"));
    const hashesAfter = bcryptHashes(after.upload("nats", "nats.conf"));
    expect(new Set(hashesBefore).size).toBe(8);
    expect(new Set(hashesAfter).size).toBe(8);
    expect(hashesAfter.filter((h) => hashesBefore.includes(h))).toEqual([]);
    expect(after.label("nats")).toMatch(/^[0-9a-f]{64}$/);
    expect(after.label("nats")).not.toBe(before.label("nats"));
    for (const client of natsClients(before.names))
      expect([client, after.env(client, "NATS_PASS")]).not.toEqual([client, before.env(client, "NATS_PASS")]);
  });

  it("Redis: requirepass in redis.conf and brain's REDIS_PASSWORD move together", () => {
    for (const run of [before, after]) {
      expect(run.upload("redis", "redis.conf")).toContain(
        `requirepass "${run.env("titan-brain", "REDIS_PASSWORD")}"`,
      );
    }
    expect(after.env("titan-brain", "REDIS_PASSWORD")).not.toBe(before.env("titan-brain", "REDIS_PASSWORD"));
    expect(after.label("redis")).not.toBe(before.label("redis"));
    // brain reads the password beside the URL, never in it.
    expect(after.env("titan-brain", "REDIS_URL")).toBe("redis://redis:6379");
  });

  it("HMAC: brain, execution and sentinel hold one new key", () => {
    for (const run of [before, after]) {
      const key = run.env("titan-brain", "HMAC_SECRET");
      expect([
        run.env("titan-execution", "HMAC_SECRET"),
        run.env("titan-sentinel", "TITAN_HMAC_SECRET"),
      ]).toEqual([key, key]);
    }
    expect(after.env("titan-brain", "HMAC_SECRET")).not.toBe(before.env("titan-brain", "HMAC_SECRET"));
  });

  it("Postgres: the container is unchanged; the role gets the verifier of the clients' new password", () => {
    expect(plainInputs(after.container("postgres"))).toEqual(plainInputs(before.container("postgres")));
    for (const run of [before, after]) {
      const password = run.env("titan-brain", "DB_PASSWORD");
      for (const client of ["titan-brain", CONSOLE_API] as const)
        expect(run.env(client, "DATABASE_URL")).toBe(`postgresql://titan:${password}@postgres:5432/titan`);
      const sql = String(plainInputs(run.roleCommand).stdin);
      expect(sql).not.toContain(password);
      const verifier = /ALTER ROLE "titan" WITH PASSWORD '([^']+)';/.exec(sql)?.[1] ?? "";
      const salt = Buffer.from(verifier.split("$")[1]?.split(":")[1] ?? "", "base64");
      expect(verifier).toBe(scramSha256Verifier(password, salt));
    }
    expect(after.env("titan-brain", "DB_PASSWORD")).not.toBe(before.env("titan-brain", "DB_PASSWORD"));
    // A new password, and a new salt with it.
    expect(String(plainInputs(after.roleCommand).stdin)).not.toBe(
      String(plainInputs(before.roleCommand).stdin),
    );
  });

  it("sets the role password over ssh with the SQL on stdin (secret), after the postgres container", () => {
    const c = after.roleCommand;
    const create = String(plainInputs(c).create);
    expect(create).toContain(
      "'docker exec -i postgres psql -X -q -v ON_ERROR_STOP=1 -U titan -d postgres' || { rc=$?; echo 'titan: setting the password of Postgres role titan failed",
    );
    expect(create).toContain(`'${STRICT_HOST_KEYS}'`);
    expect(create).toMatch(/ProxyCommand=/);
    expect(create).toMatch(/>&2; exit 1; }$/);
    expect(plainInputs(c).update).toBe(create);
    expect(isSecretEnvelope(c.inputs.stdin)).toBe(true);
    expect(c.options.additionalSecretOutputs).toEqual(["stdin"]);
    expect(c.options.dependsOn).toContain(after.container("postgres").urn);
  });

  it("every client of a rotated password waits for its server, so servers change first", () => {
    const serverUrn = {
      nats: after.container("nats").urn,
      redis: after.container("redis").urn,
      postgres: after.roleCommand.urn,
    };
    const edges: string[] = [];
    for (const name of after.names) {
      const c: RegisteredResource = after.container(name);
      for (const server of serversOf(name)) {
        expect([name, server, c.options.dependsOn.includes(serverUrn[server])]).toEqual([name, server, true]);
        edges.push(`${name}->${server}`);
      }
    }
    expect(edges.sort()).toEqual(
      [
        ...natsClients(after.names).map((n) => `${n}->nats`),
        "titan-brain->postgres",
        `${CONSOLE_API}->postgres`,
        "titan-brain->redis",
      ].sort(),
    );
    expect(serversOf("nats")).toEqual([]);
    expect(serversOf("postgres")).toEqual([]);
  });

  it("replaces exactly the containers `npm run rotate` lists as restarting", () => {
    const changed = after.names.filter(
      (n) =>
        JSON.stringify(plainInputs(after.container(n))) !== JSON.stringify(plainInputs(before.container(n))),
    );
    expect(changed.sort()).toEqual(restartedByRotation(after.names).sort());
    expect(changed).not.toContain("postgres");
    expect(changed).toContain("nats");
    expect(changed).toContain("redis");
  });
});
