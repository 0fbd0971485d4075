// The container assertions, written once and run per topology (one topology per test file:
// Pulumi's mocks keep global state).
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SECRET_SCOPE, secretEnvNamesFor } from "../../infra/model/secret-scope";
import { CONTAINER_NAMES, type ContainerName, serviceNamed } from "../../infra/model/services";
import { plainInputs } from "../support/offline-stack";
import type { Topology } from "../support/stack-config";
import { runWorkloads, W } from "./workload-run";

const TITAN = "ghcr.io/peycheff-com/titan-trading-system";

/** Written out by hand (not derived from the service table) so a table change must be deliberate. */
const NETWORKS: Record<Topology, Partial<Record<ContainerName, string[]>>> = {
  split: {
    traefik: ["titan-edge"],
    "titan-console": ["titan-edge"],
    "titan-console-api": ["titan-bus", "titan-data", "titan-api"],
    nats: ["titan-bus"],
    "titan-brain": ["titan-bus", "titan-data", "titan-api"],
    "titan-execution": ["titan-bus"],
    "titan-scavenger": ["titan-bus"],
    "titan-hunter": ["titan-bus"],
    "titan-sentinel": ["titan-bus"],
    "titan-ai-quant": ["titan-bus"],
    "titan-powerlaw-lab": ["titan-bus"],
    postgres: ["titan-data"],
    redis: ["titan-data"],
    "brain-gateway": ["titan-api"],
  },
  single: {
    traefik: ["titan-edge"],
    "titan-console": ["titan-edge"],
    "titan-console-api": ["titan-bus", "titan-data", "titan-api"],
    nats: ["titan-bus"],
    "titan-brain": ["titan-bus", "titan-data", "titan-api"],
    "titan-execution": ["titan-bus"],
    "titan-scavenger": ["titan-bus"],
    "titan-hunter": ["titan-bus"],
    "titan-sentinel": ["titan-bus"],
    "titan-ai-quant": ["titan-bus"],
    "titan-powerlaw-lab": ["titan-bus"],
    postgres: ["titan-data"],
    redis: ["titan-data"],
    // Traefik reaches it by name on the edge network; it reaches brain and console-api on api.
    "brain-gateway": ["titan-edge", "titan-api"],
  },
};

const CAPS: Partial<Record<ContainerName, string[]>> = {
  traefik: ["NET_BIND_SERVICE"],
  "titan-console": ["CHOWN", "SETGID", "SETUID"],
  postgres: ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"],
  redis: ["CHOWN", "SETGID", "SETUID"],
};

interface Port {
  internal: number;
  external: number;
  ip: string;
  protocol: string;
}

export function describeContainers(topology: Topology) {
  describe(`containers in the ${topology} topology`, async () => {
    // With the optional console-api enabled, so its env, placement and hardening are checked too.
    const run = await runWorkloads(topology, true, ["titan-console-api"]);
    const expectedNames = Object.keys(NETWORKS[topology]).sort();
    const portsOf = (name: string) =>
      ((run.inputs(name).ports ?? []) as Port[])
        .map((p) => `${p.ip}:${p.external}->${p.internal}/${p.protocol}`)
        .sort();

    it("runs exactly the service set of Titan's contract (console-api enabled here)", () => {
      expect(run.containerNames).toEqual(expectedNames);
      const missing = CONTAINER_NAMES.filter((n) => !expectedNames.includes(n));
      expect(missing).toEqual([]);
    });

    it.each(expectedNames)("%s is on exactly its tier networks", (name) => {
      const nets = (run.inputs(name).networksAdvanced as { name: string; aliases: string[] }[]).map(
        (n) => n.name,
      );
      expect(nets).toEqual(NETWORKS[topology][name as ContainerName]);
      // Never Docker's default bridge or the host network.
      expect(run.inputs(name).networkMode).toBe(nets[0]);
    });

    it("only the data network is internal", () => {
      const nets = run.find
        .all(W.network)
        .map((n) => run.find.byUrn(n.urn)?.inputs as Record<string, unknown>);
      for (const n of nets) expect(n.internal).toBe(n.name === "titan-data");
    });

    it("publishes ports with an explicit address each, per DESIGN.md §2", () => {
      const priv = run.tradingPrivateIp;
      expect(priv).toMatch(/^10\.20\.\d+\.\d+$/);
      const expected: Record<string, string[]> =
        topology === "split"
          ? {
              traefik: ["0.0.0.0:443->443/tcp", "0.0.0.0:80->80/tcp"],
              "brain-gateway": [`${priv}:3100->3100/tcp`],
            }
          : { traefik: ["0.0.0.0:443->443/tcp", "0.0.0.0:80->80/tcp"] };
      for (const name of expectedNames) expect([name, portsOf(name)]).toEqual([name, expected[name] ?? []]);
      const all = expectedNames.flatMap(portsOf).join(" ");
      for (const port of [3002, 3101, 4222, 8222, 5432, 6379])
        expect(all).not.toMatch(new RegExp(`:${port}->`));
      for (const name of expectedNames) expect(run.inputs(name).publishAllPorts).toBe(false);
    });

    it.each(expectedNames)("%s gets exactly the secret env names of the secret-scope table", (name) => {
      const env = run.env(name);
      const secretNames = env.filter((e) => e.secret).map((e) => e.name);
      expect(secretNames).toEqual(SECRET_SCOPE[name as ContainerName].map((e) => e.env));
      expect(secretNames).toEqual(secretEnvNamesFor(name as ContainerName, run.operatorSecrets));
      // No plain entry may reuse a secret's name.
      const plainNames = env.filter((e) => !e.secret).map((e) => e.name);
      expect(plainNames.filter((n) => secretNames.includes(n))).toEqual([]);
      expect(new Set(env.map((e) => e.name)).size).toBe(env.length);
    });

    it("scopes secrets by least privilege, under the names Titan reads", () => {
      const holders = (env: string) =>
        expectedNames.filter((n) => run.env(n).some((e) => e.name === env && e.secret)).sort();
      const valueIn = (name: string, env: string) => run.env(name).find((e) => e.name === env)?.value;
      expect(holders("HMAC_SECRET")).toEqual(["titan-brain", "titan-execution"]);
      expect(holders("TITAN_HMAC_SECRET")).toEqual(["titan-sentinel"]);
      expect(valueIn("titan-sentinel", "TITAN_HMAC_SECRET")).toBe(valueIn("titan-brain", "HMAC_SECRET"));
      expect(holders("SAFETY_SECRET")).toEqual(["titan-brain"]);
      expect(holders("JWT_SECRET")).toEqual(["titan-brain", "titan-console-api"]);
      expect(holders("TITAN_MASTER_PASSWORD")).toEqual(["titan-console-api", "titan-scavenger"]);
      expect(holders("TITAN_EXECUTION_API_KEY")).toEqual(["titan-execution"]);
      expect(holders("CREDENTIAL_ENCRYPTION_KEY")).toEqual(["titan-console-api"]);
      expect(valueIn("titan-console-api", "CREDENTIAL_ENCRYPTION_KEY")).toMatch(/^[0-9a-f]{64}$/);
      // Trading keys only in execution; strategies hold the read-only keys, never the same value.
      for (const key of ["BYBIT_SECRET_KEY", "BINANCE_SECRET_KEY"])
        expect(holders(key)).toEqual(["titan-execution"]);
      expect(holders("BYBIT_API_SECRET")).toEqual(["titan-hunter", "titan-scavenger"]);
      const tradingValues = [
        "BYBIT_API_KEY",
        "BYBIT_SECRET_KEY",
        "BINANCE_API_KEY",
        "BINANCE_SECRET_KEY",
      ].map((k) => valueIn("titan-execution", k));
      for (const name of ["titan-scavenger", "titan-hunter"]) {
        for (const e of run.env(name).filter((x) => x.secret)) expect(tradingValues).not.toContain(e.value);
      }
      expect(holders("GEMINI_API_KEY")).toEqual(["titan-ai-quant"]);
      expect(holders("POSTGRES_PASSWORD")).toEqual(["postgres"]);
      expect(holders("DB_PASSWORD")).toEqual(["titan-brain"]);
      // POSTGRES_PASSWORD only initialises an empty data directory: a stable bootstrap value, not
      // the clients' password, which the stack sets in the running database (rotation.test.ts).
      expect(valueIn("titan-brain", "DB_PASSWORD")).not.toBe(valueIn("postgres", "POSTGRES_PASSWORD"));
      expect(valueIn("titan-brain", "DATABASE_URL")).toBe(
        `postgresql://titan:${valueIn("titan-brain", "DB_PASSWORD")}@postgres:5432/titan`,
      );
      expect(holders("REDIS_PASSWORD")).toEqual(["titan-brain"]);
      expect(holders("HMAC_ALLOW_EMPTY_SECRET")).toEqual([]);
      for (const name of expectedNames)
        expect(run.env(name).map((e) => e.name)).not.toContain("HMAC_ALLOW_EMPTY_SECRET");
      // Every NATS client has its own password: eight users, eight distinct values.
      const natsPasswords = expectedNames.flatMap((n) => run.env(n).filter((e) => e.name === "NATS_PASS"));
      expect(natsPasswords).toHaveLength(8);
      expect(new Set(natsPasswords.map((e) => e.value)).size).toBe(8);
    });

    it("sets the 5-second replay window for brain and execution only, and NATS over TLS", () => {
      for (const name of expectedNames) {
        const tolerance = run.env(name).find((e) => e.name === "HMAC_TIMESTAMP_TOLERANCE");
        if (name === "titan-brain" || name === "titan-execution")
          expect(tolerance).toMatchObject({ value: "5", secret: false });
        else expect(tolerance).toBeUndefined();
        const url = run.env(name).find((e) => e.name === "NATS_URL");
        if (url) expect(url.value).toMatch(/^tls:\/\//);
      }
      const consoleNats = run.env("titan-console-api").find((e) => e.name === "NATS_URL")?.value;
      expect(consoleNats).toBe("tls://nats:4222");
    });

    it.each(expectedNames)("%s is hardened: caps, no-new-privileges, limits, logs, restart", (name) => {
      const i = run.inputs(name);
      expect(i.privileged).toBe(false);
      expect(i.capabilities).toEqual({ drops: ["ALL"], adds: expect.any(Array) });
      expect(((i.capabilities as { adds: string[] }).adds ?? []).slice().sort()).toEqual(
        CAPS[name as ContainerName] ?? [],
      );
      expect(i.securityOpts).toEqual(["no-new-privileges:true"]);
      expect(i.memory).toBeGreaterThanOrEqual(64);
      expect(i.memory).toBeLessThanOrEqual(1024);
      expect(i.memorySwap).toBe(i.memory);
      expect(i.logDriver).toBe("json-file");
      expect(i.logOpts).toEqual({ "max-size": "10m", "max-file": "5" });
      expect(i.restart).toBe("unless-stopped");
      expect(i.readOnly).toBe(true);
      expect(i.ipcMode).toBe("private");
      expect(i.pidMode ?? "").toBe("");
      expect(i.networkMode).not.toMatch(/^(host|container:)/);
      expect((i.healthcheck as { tests: string[] }).tests.length).toBeGreaterThan(1);
      // pulumi up waits for health: start period + 4 × (15 s interval + 5 s timeout).
      expect(i.wait).toBe(true);
      const start = name === "titan-brain" ? 480 : name === "titan-powerlaw-lab" ? 10 : 30;
      expect(i.waitTimeout).toBe(start + 80);
    });

    it.each(expectedNames)("%s is bounded by a process-limit slice its host defines", (name) => {
      const spec = serviceNamed(name as ContainerName);
      const slice = `titan-${name}.slice`;
      expect(run.inputs(name).cgroupParent).toBe(slice);
      const droplet = topology === "single" ? "single-droplet" : `${spec.plane}-droplet`;
      const userData = parse(String(plainInputs(run.find.one(W.droplet, droplet)).userData)) as {
        write_files: { path: string; content: string }[];
      };
      const unit = userData.write_files.find((f) => f.path === `/etc/systemd/system/${slice}`);
      expect(unit?.content).toMatch(new RegExp(`^TasksMax=${spec.pidsLimit}$`, "m"));
      expect(spec.pidsLimit).toBeLessThanOrEqual(1024);
    });

    it("mounts no Docker socket and no host path outside the data volume", () => {
      for (const c of run.containers) {
        const text = JSON.stringify(c.inputs);
        expect(text).not.toContain("docker.sock");
        const mounts = (run.inputs(String((c.inputs as { name: string }).name)).mounts ?? []) as {
          type: string;
          source: string;
          target: string;
        }[];
        for (const m of mounts.filter((x) => x.type === "bind"))
          expect(m.source).toMatch(/^\/mnt\/titan-data\//);
        expect(c.inputs.volumes ?? []).toEqual([]);
      }
    });

    it("keeps state on the data volume: JetStream, Postgres, Redis, execution's order state, brain's snapshots and dead letters, ai-quant's and powerlaw-lab's state", () => {
      const binds = (name: string) =>
        ((run.inputs(name).mounts ?? []) as { type: string; source: string; target: string }[])
          .filter((m) => m.type === "bind")
          .map((m) => `${m.source}:${m.target}`);
      expect(binds("nats")).toEqual(["/mnt/titan-data/jetstream:/data/jetstream"]);
      expect(binds("postgres")).toEqual(["/mnt/titan-data/postgres:/var/lib/postgresql/data"]);
      expect(binds("redis")).toEqual(["/mnt/titan-data/redis:/data"]);
      expect(binds("titan-execution")).toEqual(["/mnt/titan-data/execution:/var/lib/titan-execution"]);
      // What Titan writes under fixed paths and must survive (data/titan-runtime-writes.json).
      expect(binds("titan-brain")).toEqual(["/mnt/titan-data/brain:/app/services/titan-brain/data"]);
      expect(binds("titan-ai-quant")).toEqual(["/mnt/titan-data/ai-quant:/app/services/titan-ai-quant/data"]);
      expect(binds("titan-powerlaw-lab")).toEqual(["/mnt/titan-data/powerlaw-lab:/data"]);
      for (const name of ["titan-scavenger", "titan-hunter", "titan-sentinel"])
        expect(binds(name)).toEqual([]);
    });

    it("uploads nats.conf and Traefik's static and dynamic config, secrets as secrets", () => {
      // The files go to each service's config carrier (the service's root is read-only).
      const uploads = (name: string) => (run.carrier(name).inputs.uploads ?? []) as Record<string, unknown>[];
      const files = (name: string) => uploads(name).map((u) => u.file);
      expect(files("nats")).toContain("/etc/nats/nats.conf");
      expect(files("traefik")).toEqual([
        "/etc/traefik/traefik.yml",
        "/etc/traefik/dynamic/titan.yml",
        "/etc/traefik/tls/ca.crt",
        "/etc/traefik/tls/gateway-client.crt",
        "/etc/traefik/tls/gateway-client.key",
      ]);
      expect(files("brain-gateway")).toEqual([
        "/etc/brain-gateway/nginx.conf",
        "/etc/brain-gateway/tls/server.crt",
        "/etc/brain-gateway/tls/server.key",
        "/etc/brain-gateway/tls/ca.crt",
      ]);
      expect(files("redis")).toEqual(["/usr/local/etc/redis/redis.conf"]);
      for (const c of run.containers) expect(c.inputs.uploads ?? []).toEqual([]);
      for (const c of run.carriers) {
        for (const u of (c.inputs.uploads ?? []) as { file: string; content: unknown }[]) {
          const text = typeof u.content === "string" ? u.content : "";
          // A key, a password or a bcrypt hash in an upload must be secret content.
          if (/\.key$|redis\.conf$|nats\.conf$/.test(u.file))
            expect([u.file, typeof u.content]).toEqual([u.file, "object"]);
          expect(text).not.toMatch(/requirepass|\$2[aby]\$/);
        }
      }
      // The redis password is never on a command line.
      expect(JSON.stringify(run.inputs("redis").command)).not.toMatch(/requirepass|--pass/);
    });

    it("routes the console's brain and console-api paths to the gateway, by mTLS, on its address", () => {
      const upload = (name: string, file: string) =>
        ((run.carrier(name).inputs.uploads ?? []) as { file: string; content: unknown }[]).find(
          (u) => u.file === file,
        )?.content;
      const dynamic = parse(String(upload("traefik", "/etc/traefik/dynamic/titan.yml"))) as {
        http: {
          routers: Record<string, { service: string; rule: string }>;
          services: Record<
            string,
            { loadBalancer: { servers: { url: string }[]; serversTransport?: string } }
          >;
          serversTransports: Record<string, { serverName: string; certificates: unknown[] }>;
        };
      };
      const gateway =
        topology === "split" ? `https://${run.tradingPrivateIp}:3100` : "https://brain-gateway:3100";
      expect(Object.keys(dynamic.http.routers)).toEqual(["console", "brain", "console-api"]);
      for (const service of ["brain", "console-api"])
        expect(dynamic.http.services[service]?.loadBalancer).toMatchObject({
          servers: [{ url: gateway }],
          serversTransport: "brain-gateway-mtls",
        });
      expect(dynamic.http.routers["console-api"]?.rule).toContain("PathPrefix(`/api/credentials`)");
      expect(dynamic.http.serversTransports["brain-gateway-mtls"]?.serverName).toBe("brain-gateway");
      // console-api is enabled in this run: the gateway forwards its routes, and requires a client cert.
      const conf = String(upload("brain-gateway", "/etc/brain-gateway/nginx.conf"));
      expect(conf).toContain("set $console_api_upstream http://titan-console-api:3000;");
      expect(conf).toContain("ssl_verify_client on;");
      // Both private keys are secret uploads, and the client certificate is Traefik's alone.
      expect(typeof upload("traefik", "/etc/traefik/tls/gateway-client.key")).toBe("object");
      expect(typeof upload("brain-gateway", "/etc/brain-gateway/tls/server.key")).toBe("object");
      expect(upload("traefik", "/etc/traefik/tls/ca.crt")).toBe(
        upload("brain-gateway", "/etc/brain-gateway/tls/ca.crt"),
      );
    });

    it("fills each config volume from a carrier that never runs; the service mounts it read-only", () => {
      for (const c of run.carriers) {
        const i = plainInputs(c);
        const service = String(i.name).replace(/-config$/, "");
        expect([i.start, i.mustRun, i.networkMode, i.readOnly, i.envs, i.ports, i.capabilities]).toEqual([
          false,
          false,
          "none",
          false,
          [],
          [],
          { drops: ["ALL"], adds: [] },
        ]);
        const volume = (i.mounts as { source: string; target: string; readOnly: boolean }[])[0];
        const s = run.inputs(service);
        expect(s.mounts as { source: string; target: string; readOnly: boolean }[]).toContainEqual({
          ...volume,
          readOnly: true,
        });
        expect(run.container(service).dependencies).toContain(c.urn);
        // The config hash label is secret whenever an upload is (nats.conf carries bcrypt hashes).
        const label = (run.container("nats").inputs.labels as { label: string; value: unknown }[])[0];
        expect([label?.label, typeof label?.value]).toEqual(["titan.config-sha256", "object"]);
      }
      expect(run.carriers.length).toBeGreaterThan(0);
    });

    it("runs every image by digest, never by tag or latest", () => {
      for (const name of expectedNames) {
        const image = String(run.inputs(name).image);
        expect(image).toMatch(/@sha256:[0-9a-f]{64}$/);
        expect(image).not.toMatch(/latest/);
      }
      expect(String(run.inputs("titan-brain").image)).toMatch(new RegExp(`^${TITAN}/titan-brain@sha256:`));
      expect(String(run.inputs("titan-execution").image)).toMatch(
        new RegExp(`^${TITAN}/titan-execution-rs@sha256:`),
      );
      expect(String(run.inputs("nats").image)).toMatch(/^nats@sha256:/);
      for (const img of run.find.all(W.image)) expect(img.inputs.keepLocally).toBe(true);
    });
  });
}
