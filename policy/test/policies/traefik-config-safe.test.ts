import { describe, expect, it } from "vitest";
import { traefikConfigSafe } from "../../policies/traefik-config-safe";
import { container, TRAEFIK_DYNAMIC, TRAEFIK_STATIC, traefik } from "../fixtures";
import { runResourcePolicy } from "../helpers";

const check = (staticYaml: string, dynamicYaml: string, extra: Record<string, unknown> = {}) => {
  const c = traefik({
    uploads: [
      { file: "/etc/traefik/traefik.yml", content: staticYaml },
      { file: "/etc/traefik/dynamic/titan.yml", content: dynamicYaml },
    ],
    ...extra,
  });
  return runResourcePolicy(traefikConfigSafe, { type: c.type, name: "traefik", props: c.properties });
};

describe("traefik-config-safe", () => {
  it("passes the Titan static and dynamic config", async () => {
    expect(await check(TRAEFIK_STATIC, TRAEFIK_DYNAMIC)).toEqual([]);
  });

  it("ignores containers that are not Traefik", async () => {
    const c = container("titan-console");
    expect(await runResourcePolicy(traefikConfigSafe, { type: c.type, props: c.properties })).toEqual([]);
  });

  it("recognises Traefik by image as well as by name", async () => {
    const c = container("proxy2", { image: "traefik:v3" });
    const messages = await runResourcePolicy(traefikConfigSafe, { type: c.type, props: c.properties });
    expect(messages[0]).toContain("Traefik container 'proxy2'");
    expect(messages[0]).toContain("no static config");
  });

  it("requires TLS 1.3 as the default minimum and for every option set", async () => {
    const [missing] = await check(
      TRAEFIK_STATIC,
      // biome-ignore lint/security/noSecrets: test fixture, not a secret
      TRAEFIK_DYNAMIC.replace("      minVersion: VersionTLS13\n", ""),
    );
    expect(missing).toContain(
      "tls.options.default.minVersion is 'unset (TLS 1.2)'. Fix: set minVersion: VersionTLS13",
    );
    const [weak] = await check(TRAEFIK_STATIC, TRAEFIK_DYNAMIC.replace("VersionTLS13", "VersionTLS12"));
    // biome-ignore lint/security/noSecrets: test fixture, not a secret
    expect(weak).toContain("'VersionTLS12'");
    const [absent] = await check(TRAEFIK_STATIC, "http: {}\n");
    expect(absent).toContain("no tls.options.default");
    const [legacy] = await check(
      TRAEFIK_STATIC,
      // biome-ignore lint/security/noSecrets: test fixture, not a secret
      `${TRAEFIK_DYNAMIC.replace("tls:\n  options:\n", "tls:\n  options:\n    legacy:\n      minVersion: VersionTLS10\n")}`,
    );
    // biome-ignore lint/security/noSecrets: test fixture, not a secret
    expect(legacy).toContain("tls.options.legacy.minVersion is 'VersionTLS10'");
  });

  it("refuses the insecure API, the dashboard and non-file providers", async () => {
    const messages = await check(
      `${TRAEFIK_STATIC}api:\n  insecure: true\n  dashboard: true\n`.replace(
        "providers:\n",
        "providers:\n  docker: {}\n",
      ),
      TRAEFIK_DYNAMIC,
    );
    expect(messages).toEqual([
      expect.stringContaining("api.insecure is true"),
      expect.stringContaining("the API dashboard is enabled"),
      expect.stringContaining("provider 'docker' is enabled"),
    ]);
    expect(await check(`${TRAEFIK_STATIC}api: {}\n`, TRAEFIK_DYNAMIC)).toEqual([
      expect.stringContaining(
        "the API dashboard is enabled. Fix: set api.dashboard: false or remove the api section",
      ),
    ]);
    expect(await check(`${TRAEFIK_STATIC}api:\n  dashboard: false\n`, TRAEFIK_DYNAMIC)).toEqual([]);
    const flags = await check(TRAEFIK_STATIC, TRAEFIK_DYNAMIC, {
      command: ["--api.insecure=true", "--providers.docker=true", "--api"],
    });
    expect(flags).toEqual([
      expect.stringContaining("command flag --api.insecure=true enables the API. Fix: remove it"),
      expect.stringContaining(
        "command flag --providers.docker=true enables a provider other than file. Fix: use the file provider only",
      ),
      expect.stringContaining("command flag --api enables the API dashboard. Fix: remove it"),
    ]);
  });

  it("refuses routes to execution and plain routes to brain", async () => {
    const dyn = TRAEFIK_DYNAMIC.replace("http://titan-console-api:3000", "http://10.110.0.3:3100").concat(
      'tcp:\n  services:\n    exec:\n      loadBalancer:\n        servers: [{ address: "titan-execution:3002" }]\n',
    );
    const messages = await check(TRAEFIK_STATIC, dyn);
    const label =
      "Traefik container 'traefik' (urn:pulumi:test::titan::docker:index/container:Container::traefik): ";
    const brain = `${label}http service 'console-api' (brain port 3100): `;
    expect(messages).toEqual([
      `${label}tcp service 'exec' routes to titan-execution:3002, port 3002 (an internal port: execution, brain WebSocket, NATS, Postgres, Redis). Fix: the proxy must never route there.`,
      `${brain}a server is not https, so the hop to the gateway is plain text. Fix: use https://<private-ip>:3100.`,
      `${brain}it has no serversTransport, so Traefik presents no client certificate. Fix: reference an http.serversTransports entry with rootCAs and certificates (certFile, keyFile).`,
      `${brain}router 'console-api': its rule has PathPrefix(\`/api\`), which is not a Path/PathPrefix inside brainPathPrefixes (/api/auth, /api/operator, /api/config, /api/ws/console). Fix: match only the allowed prefixes.`,
    ]);
  });

  it("requires http on port 80 to redirect to https", async () => {
    const noRedirect = TRAEFIK_STATIC.replace(
      / {4}http:\n {6}redirections:\n {8}entryPoint:\n {10}to: websecure\n {10}scheme: https\n/,
      "",
    );
    const [message] = await check(noRedirect, TRAEFIK_DYNAMIC);
    expect(message).toContain(
      "entry point 'web' (port 80) does not redirect to https (no router redirects it)",
    );
    const openRouter = TRAEFIK_DYNAMIC.replace("entryPoints: [websecure]", "entryPoints: [web, websecure]");
    const [open] = await check(noRedirect, openRouter);
    expect(open).toContain("(console)");
    const withMiddleware = openRouter
      .replace("      service: console\n", "      service: console\n      middlewares: [to-https@file]\n")
      .replace(
        "  services:\n",
        "  middlewares:\n    to-https:\n      redirectScheme: { scheme: https }\n  services:\n",
      );
    expect(await check(noRedirect, withMiddleware)).toEqual([]);
  });

  it("fails closed on TOML and invalid YAML", async () => {
    const c = traefik({
      uploads: [
        { file: "/etc/traefik/traefik.toml", content: "[api]" },
        { file: "/etc/traefik/dynamic/x.yml", content: "a: [" },
      ],
    });
    const messages = await runResourcePolicy(traefikConfigSafe, { type: c.type, props: c.properties });
    expect(messages[0]).toContain("is TOML");
    expect(messages[1]).toContain("is not valid YAML");
  });
});
