import { describe, expect, it } from "vitest";
import { hardenedSettings } from "../../infra/builders/container-spec";
import { digestReference, taggedReference } from "../../infra/model/images";
import { hostAddress, NEVER_PUBLISHED, PUBLISHED_PORTS } from "../../infra/model/ports";
import { GENERATED_LENGTH, SECRET_SCOPE, secretEnvNamesFor } from "../../infra/model/secret-scope";
import { CONTAINER_NAMES, SERVICES, servicesFor } from "../../infra/model/services";

// biome-ignore lint/security/noSecrets: a commit SHA, the release tag.
const RELEASE = "a7c05a02b5f1f70887c1bb8716e36954bff49c21";
const DIGEST = `sha256:${"ab".repeat(32)}`;
const images = {
  traefik: "v3.3.5",
  nats: "2.10.26-alpine",
  postgres: "16.8-alpine",
  redis: "7.4.2-alpine",
  nginx: "1.27.4-alpine",
};

describe("images", () => {
  it("names Titan images by release and third-party images by pinned tag", () => {
    const brain = SERVICES.find((s) => s.name === "titan-brain");
    const nats = SERVICES.find((s) => s.name === "nats");
    if (!brain || !nats) throw new Error("table incomplete");
    expect(taggedReference(brain.image, { release: RELEASE, images })).toBe(
      "ghcr.io/peycheff-com/titan-trading-system/titan-brain:a7c05a02b5f1f70887c1bb8716e36954bff49c21",
    );
    expect(taggedReference(nats.image, { release: RELEASE, images })).toBe("nats:2.10.26-alpine");
  });

  it("runs repository@digest, keeping a registry port and dropping the tag", () => {
    expect(digestReference("ghcr.io/a/b:1234567", DIGEST)).toBe(`ghcr.io/a/b@${DIGEST}`);
    expect(digestReference("registry.local:5000/x:1.2", DIGEST)).toBe(`registry.local:5000/x@${DIGEST}`);
    expect(() => digestReference("nats:2.10", "latest")).toThrow(/not a sha256 digest/);
  });
});

describe("service table", () => {
  it("has one entry per container name, each unique", () => {
    expect(SERVICES.map((s) => s.name).sort()).toEqual([...CONTAINER_NAMES].sort());
  });

  it("drops every capability and adds only the ones a service needs", () => {
    const allowed = new Set(["NET_BIND_SERVICE", "CHOWN", "SETUID", "SETGID", "FOWNER", "DAC_OVERRIDE"]);
    for (const s of SERVICES) {
      const h = hardenedSettings(s);
      expect(h.capabilities.drops).toEqual(["ALL"]);
      for (const cap of h.capabilities.adds) expect(allowed.has(cap)).toBe(true);
      expect(h.securityOpts).toContain("no-new-privileges:true");
      expect(s.pidsLimit).toBeGreaterThan(0);
    }
  });

  it("publishes nothing internal on 0.0.0.0 and never 3002, 3101, 5432, 6379; NATS stays on its host", () => {
    for (const topology of ["split", "single"] as const) {
      const running = servicesFor(topology).map((s) => s.name);
      for (const p of PUBLISHED_PORTS[topology]) {
        expect(running).toContain(p.container);
        expect(NEVER_PUBLISHED).not.toContain(p.internal);
        if (p.bindTo === "any") expect(p.container).toBe("traefik");
      }
    }
    expect(PUBLISHED_PORTS.single.every((p) => p.container === "traefik")).toBe(true);
    expect(NEVER_PUBLISHED).toEqual([3002, 3101, 5432, 6379]);
    // Every NATS client runs on the trading plane: neither 4222 nor the monitor is published.
    expect(PUBLISHED_PORTS.split.filter((p) => p.container === "nats")).toEqual([]);
    expect(PUBLISHED_PORTS.split.filter((p) => p.bindTo === "trading-private")).toEqual([
      { container: "brain-gateway", internal: 3100, external: 3100, bindTo: "trading-private" },
    ]);
  });

  it("refuses a trading address that would publish everywhere", () => {
    expect(() => hostAddress("trading-private", "0.0.0.0")).toThrow();
    expect(() => hostAddress("trading-private", "")).toThrow();
    expect(hostAddress("trading-private", "10.20.0.11")).toBe("10.20.0.11");
    expect(hostAddress("loopback", "10.20.0.11")).toBe("127.0.0.1");
  });
});

describe("secret scope", () => {
  it("gives optional keys only when configured", () => {
    expect(secretEnvNamesFor("titan-execution", {})).toEqual([
      "NATS_PASS",
      "HMAC_SECRET",
      "TITAN_EXECUTION_API_KEY",
      "BYBIT_API_KEY",
      "BYBIT_SECRET_KEY",
    ]);
    expect(secretEnvNamesFor("titan-hunter", {})).toEqual(["NATS_PASS"]);
    expect(
      secretEnvNamesFor("titan-hunter", { bybitReadOnlyApiKey: "x", bybitReadOnlySecretKey: "y" }),
    ).toEqual(["NATS_PASS", "BYBIT_API_KEY", "BYBIT_API_SECRET"]);
    expect(secretEnvNamesFor("titan-ai-quant", { geminiApiKey: "x" })).toEqual([
      "NATS_PASS",
      "GEMINI_API_KEY",
    ]);
  });

  it("never gives a third-party container a Titan secret except its own password", () => {
    expect(SECRET_SCOPE.traefik).toEqual([]);
    expect(SECRET_SCOPE.nats).toEqual([]);
    expect(SECRET_SCOPE.redis).toEqual([]);
    expect(SECRET_SCOPE["brain-gateway"]).toEqual([]);
    expect(SECRET_SCOPE.postgres.map((e) => e.env)).toEqual(["POSTGRES_PASSWORD"]);
    // HMAC keys of at least 32 bytes.
    expect(GENERATED_LENGTH).toBeGreaterThanOrEqual(32);
  });
});
