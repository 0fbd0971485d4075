import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ALL_KEYS, SECRET_KEYS, STRUCTURED_KEYS } from "../../infra/config/keys";
import { parseStackConfig } from "../../infra/config/parse";
import { readStackFiles } from "../../scripts/engine/stack-files";

const project = parse(readFileSync("Pulumi.yaml", "utf8")) as {
  name: string;
  runtime: { name: string; options: { typescript: boolean } };
  config: Record<string, { type: string; secret?: boolean }>;
};

describe("Pulumi.yaml declares the stack config the program reads", () => {
  it("is the titan-infra Node.js TypeScript project", () => {
    expect(project.name).toBe("titan-infra");
    expect(project.runtime).toMatchObject({ name: "nodejs", options: { typescript: true } });
  });

  it("declares every titan key except the maps Pulumi's project types cannot express", () => {
    const declared = Object.keys(project.config).map((k) => k.replace(/^titan:/, ""));
    const maps = STRUCTURED_KEYS.filter(
      (k) => k === "sizes" || k === "images" || k === "serviceImages" || k === "backupRetention",
    );
    expect(new Set(declared)).toEqual(new Set(ALL_KEYS.filter((k) => !maps.includes(k as never))));
  });

  it("marks exactly the secrets as secret", () => {
    const secret = Object.entries(project.config)
      .filter(([, d]) => d.secret)
      .map(([k]) => k.replace(/^titan:/, ""));
    expect(new Set(secret)).toEqual(new Set(SECRET_KEYS));
  });
});

describe.each(["prod", "single"])("Pulumi.%s.yaml", (stack) => {
  const files = readStackFiles(".", stack);
  it("commits no secret value", () => {
    for (const key of SECRET_KEYS) expect(files.values[`titan:${key}`] ?? "").toBe("");
    expect(files.values["digitalocean:token"]).toBeUndefined();
  });

  it("is valid once its secrets are set", () => {
    const values = Object.fromEntries(
      Object.entries(files.values)
        .filter(([k]) => k.startsWith("titan:"))
        .map(([k, v]) => [k.slice("titan:".length), v]),
    );
    const secrets = {
      bybitApiKey: "fake-a-key",
      bybitSecretKey: "fake-a-secret",
      masterPassword: "fake-master-password-long",
    };
    const cfg = parseStackConfig({
      values: { ...values, ...secrets },
      secretKeys: new Set(Object.keys(secrets)),
    });
    expect(cfg.topology).toBe(stack === "prod" ? "split" : "single");
    if (stack === "prod") {
      expect(cfg.requireHardwareKeys).toBe(true);
      expect(cfg.backups).toBe(true);
    }
  });
});
