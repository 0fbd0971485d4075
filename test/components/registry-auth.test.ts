// titan:registryAuth reaches every Docker provider that talks to ghcr.io (the digest look-up and each
// host's pulls), as a Pulumi secret, and appears nowhere in plain text.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isSecretEnvelope } from "../../scripts/engine/redact";
import { runStack } from "../support/offline-stack";
import { validRawConfig } from "../support/stack-config";
import { visibleText, W } from "./workload-run";

describe("titan:registryAuth for private Titan images", async () => {
  const raw = validRawConfig("split");
  const token = `fake-ghcr-token-${randomBytes(12).toString("hex")}`;
  (raw.values as Record<string, string>).registryAuth = `titan-deploy:${token}`;
  const run = await runStack(raw.values, [...raw.secretKeys, "registryAuth"], "prod");
  const providers = run.find.all(W.provider);

  it("gives the registry look-up and every host's Docker provider the ghcr.io credential", () => {
    expect(providers.map((p) => p.name).sort()).toEqual(["edge-docker", "registry", "trading-docker"]);
    for (const p of providers) {
      // Provider inputs reach the engine as JSON text; the whole credential list is one secret.
      const envelope = p.inputs.registryAuth;
      expect([p.name, isSecretEnvelope(envelope)]).toEqual([p.name, true]);
      const auth = JSON.parse(String((envelope as { value: unknown }).value)) as Record<string, string>[];
      expect([p.name, auth]).toEqual([
        p.name,
        [{ address: "ghcr.io", username: "titan-deploy", password: token }],
      ]);
    }
  });

  it("never shows the token outside a secret envelope", () => {
    for (const r of run.resources) expect(visibleText(r.inputs)).not.toContain(token);
  });
});
