import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { traefikConfigSafe } from "../../policies/traefik-config-safe";
import {
  configCarrier,
  container,
  mountingService,
  T,
  TRAEFIK_DYNAMIC,
  TRAEFIK_STATIC,
  traefik,
} from "../fixtures";
import { runResourcePolicy, runStackPolicy } from "../helpers";
import { BRAIN_RULE, BRAIN_URL, brainDynamic, type Doc, runTraefik, staticDoc } from "../traefik-fixtures";

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

// Issue 12, Traefik hole class: TCP/UDP to internal ports, backends that cannot be read, 443
// without TLS, and whatever changes which static config Traefik loads.
const INTERNAL =
  "(an internal port: execution, brain WebSocket, NATS, Postgres, Redis). Fix: the proxy must never route there.";

function withTcp(address: string, router: Doc = { tls: { passthrough: true } }): Doc {
  const doc = brainDynamic();
  doc.tcp = {
    // biome-ignore lint/security/noSecrets: a Traefik rule or URL, not a secret
    routers: { raw: { rule: "HostSNI(`*`)", entryPoints: ["websecure"], service: "raw", ...router } },
    services: { raw: { loadBalancer: { servers: [{ address }] } } },
  };
  return doc;
}

describe("traefik-config-safe: TCP and UDP", () => {
  it("refuses TCP services to every internal port, brain's included", async () => {
    for (const port of [4222, 8222, 5432, 6379, 3002, 3101]) {
      expect(await runTraefik(withTcp(`10.110.0.3:${port}`)), String(port)).toEqual([
        `tcp service 'raw' routes to 10.110.0.3:${port}, port ${port} ${INTERNAL}`,
      ]);
    }
    expect(await runTraefik(withTcp("titan-brain:3100"))).toEqual([
      "tcp service 'raw' routes to titan-brain:3100, port 3100 (brain), where no path rule can limit what it reaches. Fix: reach brain only through an http router on brainPathPrefixes.",
    ]);
  });

  it("refuses UDP services to internal ports and follows forbiddenBackendPorts", async () => {
    const doc = brainDynamic();
    doc.udp = { services: { dns: { loadBalancer: { servers: [{ address: "[fd00::3]:6379" }] } } } };
    expect(await runTraefik(doc)).toEqual([
      `udp service 'dns' routes to [fd00::3]:6379, port 6379 ${INTERNAL}`,
    ]);
    expect(await runTraefik(doc, { config: { forbiddenBackendPorts: [3002] } })).toEqual([]);
  });

  it("accepts a TLS passthrough TCP route to a port that is not internal", async () => {
    expect(await runTraefik(withTcp("10.110.0.9:8443"))).toEqual([]);
  });
});

describe("traefik-config-safe: backends that cannot be read", () => {
  const withUrl = (url: unknown) => {
    const doc = brainDynamic();
    doc.http.services.console.loadBalancer.servers = [{ url }];
    return doc;
  };
  const unreadable = (shown: string, reason: string) =>
    `http service 'console' points at '${shown}', which cannot be read (${reason}), so where it leads cannot be checked. Fix: write a literal scheme://host:port.`;

  it("refuses Go templates anywhere in a dynamic file", async () => {
    const templated = `${TRAEFIK_DYNAMIC.replace("http://titan-console:8080", '{{ env "BACKEND" }}')}`;
    expect(await runTraefik(templated)).toEqual([
      "/etc/traefik/dynamic/titan.yml is a Go template ({{ }}), which Traefik renders at load time, so the config it routes with cannot be checked. Fix: write literal values.",
      "no tls.options.default in the dynamic config. Fix: add tls.options.default.minVersion: VersionTLS13.",
    ]);
  });

  it("refuses URLs without a port for their scheme, with credentials, or in another form", async () => {
    expect(await runTraefik(withUrl("h2c://titan-execution"))).toEqual([
      unreadable("h2c://titan-execution", "h2c has no default port"),
    ]);
    expect(await runTraefik(withUrl("http://user:pw@titan-console:8080"))).toEqual([
      unreadable("http://***@titan-console:8080", "it carries credentials or an unexpected '@'"),
    ]);
    expect(await runTraefik(withUrl("titan-brain:3100"))).toEqual([
      unreadable("titan-brain:3100", "it is not scheme://host[:port][/path]"),
    ]);
    expect(await runTraefik(withUrl("http://titan-console:99999"))).toEqual([
      unreadable("http://titan-console:99999", "port 99999 is out of range"),
    ]);
    expect(await runTraefik(withUrl("ws://titan-brain:3101"))).toEqual([
      unreadable("ws://titan-brain:3101", "scheme ws is not http, https or h2c"),
    ]);
    expect(await runTraefik(withUrl(undefined))).toEqual([unreadable("undefined", "it is not a string")]);
  });

  it("reads ports the way Go does: defaults, leading zeros, IPv6", async () => {
    expect(await runTraefik(withUrl("http://titan-console"))).toEqual([]);
    expect(await runTraefik(withUrl("h2c://titan-console:9000/"))).toEqual([]);
    const [zeros] = await runTraefik(withUrl("http://10.110.0.3:03002"));
    expect(zeros).toContain("port 3002 (an internal port");
    const [v6] = await runTraefik(withUrl("http://[fd00::3]:5432"));
    expect(v6).toContain("port 5432 (an internal port");
  });

  it("refuses a TCP address without a port", async () => {
    expect(await runTraefik(withTcp("titan-brain"))).toEqual([
      "tcp service 'raw' points at 'titan-brain', which cannot be read (it is not host:port), so where it leads cannot be checked. Fix: write a literal host:port.",
    ]);
  });

  it("judges forwardAuth addresses like servers", async () => {
    const withAuth = (address: string) => {
      const doc = brainDynamic();
      doc.http.middlewares.auth = { forwardAuth: { address } };
      return doc;
    };
    expect(await runTraefik(withAuth("http://titan-auth:4181/verify"))).toEqual([]);
    expect(await runTraefik(withAuth("https://10.110.0.3:3100/auth/verify"))).toEqual([
      "forwardAuth middleware 'auth' routes to https://10.110.0.3:3100/auth/verify, port 3100 (brain), where no path rule can limit what it reaches. Fix: reach brain only through an http router on brainPathPrefixes.",
    ]);
    const [exec] = await runTraefik(withAuth("http://titan-execution:3002"));
    expect(exec).toContain("forwardAuth middleware 'auth' routes to http://titan-execution:3002, port 3002");
    const [bad] = await runTraefik(withAuth('{{ env "AUTH" }}'));
    expect(bad).toContain("is a Go template");
  });
});

describe("traefik-config-safe: TLS on port 443", () => {
  const noTls = (doc: Doc) => {
    delete doc.http.routers.console.tls;
    return doc;
  };

  it("refuses a router on the 443 entry point without tls", async () => {
    expect(await runTraefik(noTls(brainDynamic()))).toEqual([
      "http router 'console' listens on entry point 'websecure' (port 443) without tls, so it serves plain text on the https port. Fix: add tls to the router, or entryPoints.websecure.http.tls.",
    ]);
  });

  it("finds 443 by address, and routers without entryPoints on every entry point", async () => {
    const s = staticDoc();
    s.entryPoints = { web: s.entryPoints.web, secure: { address: "0.0.0.0:443/tcp" } };
    const doc = noTls(brainDynamic());
    delete doc.http.routers.console.entryPoints;
    doc.http.routers.console.middlewares = ["to-https"];
    doc.http.middlewares["to-https"] = { redirectScheme: { scheme: "https" } };
    const [message] = await runTraefik(doc, { staticConfig: s });
    expect(message).toBe(
      "http router 'console' listens on entry point 'secure' (port 443) without tls, so it serves plain text on the https port. Fix: add tls to the router, or entryPoints.secure.http.tls.",
    );
    // With asDefault on web only, a router without entryPoints no longer listens on 443.
    s.entryPoints.web.asDefault = true;
    expect(await runTraefik(doc, { staticConfig: s })).toEqual([]);
  });

  it("accepts TLS set once on the entry point, but not for TCP routers", async () => {
    const s = staticDoc();
    s.entryPoints.websecure.http = { tls: { certResolver: "le" } };
    expect(await runTraefik(noTls(brainDynamic()), { staticConfig: s })).toEqual([]);
    expect(await runTraefik(withTcp("10.110.0.9:8443", { tls: null }), { staticConfig: s })).toEqual([
      "tcp router 'raw' listens on entry point 'websecure' (port 443) without tls, so it serves plain text on the https port. Fix: add tls to the router, or entryPoints.websecure.http.tls.",
    ]);
  });
});

describe("traefik-config-safe: which static config Traefik loads", () => {
  it("refuses --configFile in command or entrypoints, in any case or inside a shell string", async () => {
    const fix =
      "points Traefik at another static config file than the one checked. Fix: remove --configFile; the static config lives at /etc/traefik/traefik.yml.";
    expect(await runTraefik(brainDynamic(), { container: { command: ["--configFile=/tmp/t.yml"] } })).toEqual(
      [`'--configFile=/tmp/t.yml' ${fix}`],
    );
    expect(
      await runTraefik(brainDynamic(), { container: { command: ["--configfile", "/tmp/t.yml"] } }),
    ).toEqual([`'--configfile' ${fix}`]);
    expect(
      await runTraefik(brainDynamic(), {
        container: { entrypoints: ["/bin/sh", "-c", "traefik -CONFIGFILE=/x.toml"] },
      }),
    ).toEqual([`'traefik -CONFIGFILE=/x.toml' ${fix}`]);
    expect(
      await runTraefik(brainDynamic(), { container: { command: ["--log.level=INFO", "--ping"] } }),
    ).toEqual([]);
  });

  it("refuses TRAEFIK_* environment variables, whatever their case, and nothing else", async () => {
    expect(
      await runTraefik(brainDynamic(), {
        container: { envs: ["TZ=UTC", "TRAEFIK_API_INSECURE=true", "traefik_providers_docker=1"] },
      }),
    ).toEqual([
      "environment variable TRAEFIK_API_INSECURE sets static config outside the checked file. Fix: remove it and put the setting in /etc/traefik/traefik.yml.",
      "environment variable traefik_providers_docker sets static config outside the checked file. Fix: remove it and put the setting in /etc/traefik/traefik.yml.",
    ]);
    expect(await runTraefik(brainDynamic(), { container: { envs: ["TZ=UTC", "MY_TRAEFIK_X=1"] } })).toEqual(
      [],
    );
  });

  const uploads = (files: string[]) => ({
    uploads: [
      ...files.map((file) => ({ file, content: TRAEFIK_STATIC })),
      { file: "/etc/traefik/dynamic/titan.yml", content: TRAEFIK_DYNAMIC },
    ],
  });

  it("refuses a static file uploaded where Traefik does not look first", async () => {
    expect(await runTraefik(brainDynamic(), { container: uploads(["/root/.config/traefik.yml"]) })).toEqual([
      "the static config is uploaded to /root/.config/traefik.yml, not /etc/traefik/traefik.yml, so the file checked may not be the one Traefik loads. Fix: upload it to /etc/traefik/traefik.yml.",
    ]);
    expect(
      await runTraefik(brainDynamic(), { container: uploads(["/etc/traefik/../traefik/traefik.yaml"]) }),
    ).toEqual([]);
  });

  it("refuses a second static file next to the checked one", async () => {
    const safe = "/etc/traefik/traefik.yml";
    const evil = `${TRAEFIK_STATIC}api:\n  insecure: true\n`;
    const messages = await runTraefik(brainDynamic(), {
      container: {
        uploads: [
          { file: safe, content: TRAEFIK_STATIC },
          { file: "/etc/traefik/traefik.yaml", content: evil },
          { file: "/etc/traefik/dynamic/titan.yml", content: TRAEFIK_DYNAMIC },
        ],
      },
    });
    expect(messages).toEqual([
      "2 static config files are uploaded (/etc/traefik/traefik.yml, /etc/traefik/traefik.yaml); Traefik loads only one, by its own search order. Fix: upload exactly one, /etc/traefik/traefik.yml.",
    ]);
  });
});

describe("traefik-config-safe: config Traefik reads that a plain YAML reading misses", () => {
  it("applies YAML merge keys as Traefik's YAML reader does", async () => {
    const merged =
      `x-servers: &exec\n  servers: [{ url: "http://10.110.0.3:3002" }]\n${TRAEFIK_DYNAMIC}`.replace(
        '      loadBalancer:\n        servers: [{ url: "http://titan-console:8080" }]\n',
        "      loadBalancer:\n        <<: *exec\n",
      );
    expect(merged).toContain("<<: *exec");
    expect(await runTraefik(merged)).toEqual([
      `http service 'console' routes to http://10.110.0.3:3002, port 3002 ${INTERNAL}`,
    ]);
  });

  it("judges routing sections written into the static file", async () => {
    const s = staticDoc();
    s.providers.file = { filename: "/etc/traefik/traefik.yml" };
    s.tcp = { services: { bus: { loadBalancer: { servers: [{ address: "10.110.0.3:4222" }] } } } };
    expect(await runTraefik(brainDynamic(), { staticConfig: s })).toEqual([
      `tcp service 'bus' routes to 10.110.0.3:4222, port 4222 ${INTERNAL}`,
    ]);
  });

  it("refuses a name defined in two dynamic files (Traefik keeps the first it reads)", async () => {
    const shadow = brainDynamic();
    shadow.http.routers.brain.rule = "Host(`helm.example.com`)";
    const c = {
      uploads: [
        { file: "/etc/traefik/traefik.yml", content: TRAEFIK_STATIC },
        { file: "/etc/traefik/dynamic/a.yml", content: stringify(shadow) },
        {
          file: "/etc/traefik/dynamic/b.yml",
          content: stringify({ http: { routers: { brain: brainDynamic().http.routers.brain } } }),
        },
      ],
    };
    const messages = await runTraefik("", { container: c });
    expect(messages[0]).toBe(
      "http.routers.brain is defined in more than one config file; Traefik keeps only one of them, so the one checked may not be the one used. Fix: define each name once.",
    );
    expect(messages).toHaveLength(2);
    expect(messages[1]).toContain(
      "router 'brain': its rule 'Host(`helm.example.com`)' can match paths outside",
    );
  });
});

// The console's brain route (issue 10 item 5): a backend on 3100 only on brainPathPrefixes, https,
// with an mTLS serversTransport; every router that can reach it judged, wrappers included.
const BRAIN = "http service 'brain' (brain port 3100): ";
const ALLOWED = "/api/auth, /api/operator, /api/config, /api/ws/console";

function withRule(rule: string, router: Doc = {}): Doc {
  const doc = brainDynamic();
  doc.http.routers.brain = { ...doc.http.routers.brain, rule, ...router };
  return doc;
}

describe("traefik-config-safe: brain routes", () => {
  it("accepts the console's brain route", async () => {
    expect(await runTraefik(brainDynamic())).toEqual([]);
  });

  it("accepts narrower and equivalent spellings of an allowed route", async () => {
    const safe = [
      "Host(`helm.example.com`) && Path(`/api/auth/login`)",
      "PathPrefix(`/api/authz`)",
      'Host("helm.example.com") && PATHPREFIX("/api/config")',
      // biome-ignore lint/security/noSecrets: a Traefik rule or URL, not a secret
      "Host(`helm.example.com`) && PathPrefix(`/api/auth`) && !Method(`DELETE`)",
      "(PathPrefix(`/api/auth`) || Path(`/api/operator/approvals`)) && Host(`helm.example.com`)",
      "PathPrefix(`/api/auth`) && (Host(`a.example.com`) || Host(`b.example.com`))",
    ];
    for (const rule of safe) expect(await runTraefik(withRule(rule)), rule).toEqual([]);
  });

  it("refuses a rule with a branch that matches other paths", async () => {
    // && binds tighter than ||: the Header branch stands alone.
    const rule = "Host(`helm.example.com`) && PathPrefix(`/api/auth`) || Header(`X-Brain`, `1`)";
    expect(await runTraefik(withRule(rule))).toEqual([
      `${BRAIN}router 'brain': its rule '${rule}' can match paths outside brainPathPrefixes (a branch with no allowed Path/PathPrefix). Fix: AND every branch with an allowed PathPrefix.`,
    ]);
    const [hostOnly] = await runTraefik(withRule("Host(`helm.example.com`)"));
    expect(hostOnly).toContain("can match paths outside brainPathPrefixes");
    const [headerOnly] = await runTraefik(withRule("Header(`X-Brain`, `1`)"));
    expect(headerOnly).toContain("can match paths outside brainPathPrefixes");
  });

  it("refuses PathRegexp, negated path matchers and prefixes outside the list", async () => {
    const outside = (m: string) =>
      `${BRAIN}router 'brain': its rule has ${m}, which is not a Path/PathPrefix inside brainPathPrefixes (${ALLOWED}). Fix: match only the allowed prefixes.`;
    expect(await runTraefik(withRule("PathPrefix(`/api/auth`) && PathRegexp(`^/api/auth`)"))).toEqual([
      outside("PathRegexp(`^/api/auth`)"),
    ]);
    expect(await runTraefik(withRule("Host(`helm.example.com`) && !PathPrefix(`/signal`)"))).toEqual([
      outside("!PathPrefix(`/signal`)"),
    ]);
    // Negating an allowed prefix, or an unanchored regexp spelled like one, is still refused.
    expect(await runTraefik(withRule("Host(`helm.example.com`) && !PathPrefix(`/api/auth`)"))).toEqual([
      outside("!PathPrefix(`/api/auth`)"),
    ]);
    expect(await runTraefik(withRule("PathRegexp(`/api/auth`)"))).toEqual([
      outside("PathRegexp(`/api/auth`)"),
    ]);
    // Double negation is positive again, and /api is wider than any allowed prefix.
    // biome-ignore lint/security/noSecrets: a Traefik rule or URL, not a secret
    expect(await runTraefik(withRule("!!PathPrefix(`/api`)"))).toEqual([outside("PathPrefix(`/api`)")]);
    expect(await runTraefik(withRule("pathprefix(`/signal`)"))).toEqual([outside("PathPrefix(`/signal`)")]);
    // Dot segments and encodings are not plain paths, even under an allowed prefix.
    expect(await runTraefik(withRule("PathPrefix(`/api/auth/../../signal`)"))).toEqual([
      outside("PathPrefix(`/api/auth/../../signal`)"),
    ]);
    expect(await runTraefik(withRule("PathPrefix(`/api/auth%2F..`)"))).toEqual([
      outside("PathPrefix(`/api/auth%2F..`)"),
    ]);
  });

  it("refuses a rule it cannot parse", async () => {
    const rule = "Host(`helm.example.com`) && PathPrefix('/api/auth')";
    expect(await runTraefik(withRule(rule))).toEqual([
      `${BRAIN}router 'brain': its rule '${rule}' cannot be parsed (unexpected ''' at offset 39). Fix: write Host(\`d\`) && (PathPrefix(\`/a\`) || PathPrefix(\`/b\`)).`,
    ]);
    const [escaped] = await runTraefik(withRule('PathPrefix("/api/auth\\x2f..")'));
    expect(escaped).toContain("cannot be parsed (escape sequence in");
    const [missing] = await runTraefik(withRule("", {}));
    expect(missing).toContain("cannot be parsed (empty rule)");
  });

  it("refuses the v2 rule syntax, per router or as the default", async () => {
    const v2 = `${BRAIN}router 'brain': it uses rule syntax 'v2' (v2 matchers take several values and {name:regexp} patterns). Fix: use the v3 syntax.`;
    expect(await runTraefik(withRule(BRAIN_RULE, { ruleSyntax: "v2" }))).toEqual([v2]);
    const s = staticDoc();
    s.core = { defaultRuleSyntax: "v2" };
    expect(await runTraefik(brainDynamic(), { staticConfig: s })).toEqual([v2]);
    expect(await runTraefik(withRule(BRAIN_RULE, { ruleSyntax: "v3" }), { staticConfig: s })).toEqual([]);
  });

  it("judges every router that reaches brain through weighted, mirroring and failover services", async () => {
    const viaWeighted = brainDynamic();
    viaWeighted.http.services.split = { weighted: { services: [{ name: "brain@file", weight: 1 }] } };
    viaWeighted.http.routers.sneaky = {
      rule: "Host(`helm.example.com`)",
      service: "split",
      entryPoints: ["websecure"],
      tls: {},
    };
    expect(await runTraefik(viaWeighted)).toEqual([
      `${BRAIN}router 'sneaky': its rule 'Host(\`helm.example.com\`)' can match paths outside brainPathPrefixes (a branch with no allowed Path/PathPrefix). Fix: AND every branch with an allowed PathPrefix.`,
    ]);
    const viaMirror = brainDynamic();
    viaMirror.http.services.console = {
      mirroring: { service: "console-ui", mirrors: [{ name: "brain", percent: 100 }] },
    };
    viaMirror.http.services["console-ui"] = {
      loadBalancer: { servers: [{ url: "http://titan-console:8080" }] },
    };
    const [mirrored] = await runTraefik(viaMirror);
    expect(mirrored).toContain(`${BRAIN}router 'console': its rule 'Host(\`helm.example.com\`)' can match`);
    const viaFailover = brainDynamic();
    viaFailover.http.services.console = { failover: { service: "console-ui", fallback: "brain" } };
    viaFailover.http.services["console-ui"] = viaMirror.http.services["console-ui"];
    const [failover] = await runTraefik(viaFailover);
    expect(failover).toContain(`${BRAIN}router 'console': its rule`);
    // A safe router through a wrapper is fine, and a cycle of wrappers terminates.
    const safeWrapper = brainDynamic();
    safeWrapper.http.services.loop = { weighted: { services: [{ name: "loop" }, { name: "brain" }] } };
    safeWrapper.http.routers.brain.service = "loop@file";
    expect(await runTraefik(safeWrapper)).toEqual([]);
  });

  it("refuses an errors middleware that sends error pages to brain", async () => {
    const doc = brainDynamic();
    doc.http.middlewares.oops = { errors: { status: ["500-599"], service: "brain", query: "/signal" } };
    expect(await runTraefik(doc)).toEqual([
      `${BRAIN}middleware 'oops' (errors) sends error pages to it with a query no router rule limits. Fix: serve error pages from another service.`,
    ]);
  });

  it("requires https and an mTLS serversTransport that verifies the gateway", async () => {
    const plain = brainDynamic();
    plain.http.services.brain.loadBalancer.servers = [
      { url: BRAIN_URL },
      { url: BRAIN_URL.replace("https", "http") },
    ];
    expect(await runTraefik(plain)).toEqual([
      `${BRAIN}a server is not https, so the hop to the gateway is plain text. Fix: use https://<private-ip>:3100.`,
    ]);
    const none = brainDynamic();
    delete none.http.services.brain.loadBalancer.serversTransport;
    expect(await runTraefik(none)).toEqual([
      `${BRAIN}it has no serversTransport, so Traefik presents no client certificate. Fix: reference an http.serversTransports entry with rootCAs and certificates (certFile, keyFile).`,
    ]);
    const elsewhere = brainDynamic();
    elsewhere.http.services.brain.loadBalancer.serversTransport = "brain-gateway@internal";
    const [foreign] = await runTraefik(elsewhere);
    expect(foreign).toContain(
      "it has serversTransport 'brain-gateway@internal', which is not defined in http.serversTransports",
    );
    const noCert = brainDynamic();
    noCert.http.serversTransports["brain-gateway"].certificates = [
      { certFile: "/etc/traefik/certs/proxy.pem" },
    ];
    expect(await runTraefik(noCert)).toEqual([
      `${BRAIN}serversTransport 'brain-gateway' has no complete client certificate (certificates: [{certFile, keyFile}]), so the gateway cannot require mutual TLS. Fix: add the proxy's client certificate.`,
    ]);
    const skip = brainDynamic();
    skip.http.serversTransports["brain-gateway"].insecureSkipVerify = "true";
    expect(await runTraefik(skip)).toEqual([
      `${BRAIN}serversTransport 'brain-gateway' sets insecureSkipVerify, so any certificate passes as the gateway's. Fix: remove it and set rootCAs to the stack CA.`,
    ]);
    const explicitOff = brainDynamic();
    explicitOff.http.serversTransports["brain-gateway"].insecureSkipVerify = false;
    explicitOff.http.services.brain.loadBalancer.serversTransport = "brain-gateway@file";
    expect(await runTraefik(explicitOff)).toEqual([]);
  });

  it("refuses middlewares that rewrite the path out of the allowed prefixes", async () => {
    const using = (middlewares: Doc, names: string[]) => {
      const doc = brainDynamic();
      doc.http.middlewares = { ...doc.http.middlewares, ...middlewares };
      doc.http.routers.brain.middlewares = names;
      return doc;
    };
    const [replaced] = await runTraefik(using({ to: { replacePath: { path: "/signal" } } }, ["to"]));
    expect(replaced).toBe(
      `${BRAIN}router 'brain': middleware 'to' (replacePath) rewrites the path, so the request can reach brain outside the allowed prefixes. Fix: use only stripPrefix of a leading segment such as /api.`,
    );
    const [chained] = await runTraefik(
      using(
        {
          c: { chain: { middlewares: ["strip-api", "re"] } },
          re: { replacePathRegex: { regex: ".*", replacement: "/x" } },
        },
        ["c@file"],
      ),
    );
    expect(chained).toContain("middleware 're' (replacePathRegex) rewrites the path");
    // Stripping the whole allowed prefix turns /api/auth/signal into /signal.
    expect(await runTraefik(using({ s: { stripPrefix: { prefixes: ["/api/auth"] } } }, ["s"]))).toEqual([
      `${BRAIN}router 'brain': middleware 's' strips '/api/auth' from '/api/auth', which turns an allowed path into any path below it. Fix: strip only a leading segment the allowed prefixes share, such as /api.`,
    ]);
    // A prefix longer than the route's applies to the requests under it: /api/auth/x/signal -> /signal.
    const [longer] = await runTraefik(using({ s4: { stripPrefix: { prefixes: ["/api/auth/x"] } } }, ["s4"]));
    expect(longer).toContain("middleware 's4' strips '/api/auth/x' from '/api/auth'");
    // A trailing-slash prefix stripped whole leaves the root: /api/auth/signal -> /signal.
    const slash = using({ s5: { stripPrefix: { prefixes: ["/api/auth/"] } } }, ["s5"]);
    slash.http.routers.brain.rule = "PathPrefix(`/api/auth/`)";
    const [root] = await runTraefik(slash);
    expect(root).toContain("middleware 's5' strips '/api/auth/' from '/api/auth/'");
    // Two strips in a row: /api, then /auth (the second sees what the first left).
    const [twice] = await runTraefik(
      using({ s2: { stripPrefix: { prefixes: ["/auth"] } } }, ["strip-api", "s2"]),
    );
    expect(twice).toContain("middleware 's2' strips '/auth' from '/auth'");
    // Not at a segment boundary.
    const [midSegment] = await runTraefik(using({ s3: { stripPrefix: { prefixes: ["/api/au"] } } }, ["s3"]));
    expect(midSegment).toContain("middleware 's3' strips '/api/au' from '/api/auth'");
    const [unknown] = await runTraefik(using({}, ["auth@docker"]));
    expect(unknown).toContain(
      "middleware 'auth@docker' is not defined in the file provider, so what it does to the path cannot be checked",
    );
    // Harmless middlewares and a strip that never applies pass.
    expect(
      await runTraefik(
        using({ h: { headers: { frameDeny: true } }, n: { stripPrefix: { prefixes: ["/other"] } } }, [
          "strip-api",
          "h",
          "n",
        ]),
      ),
    ).toEqual([]);
  });

  it("follows entry-point middlewares and refuses entry points that let unsanitised paths through", async () => {
    const s = staticDoc();
    s.entryPoints.websecure.http = { middlewares: ["rewrite@file"], sanitizePath: false };
    const doc = brainDynamic();
    doc.http.middlewares.rewrite = { addPrefix: { prefix: "/x" } };
    expect(await runTraefik(doc, { staticConfig: s })).toEqual([
      `${BRAIN}router 'brain': middleware 'rewrite@file' (addPrefix) rewrites the path, so the request can reach brain outside the allowed prefixes. Fix: use only stripPrefix of a leading segment such as /api.`,
      `${BRAIN}router 'brain': entry point 'websecure' sets sanitizePath: false, so /allowed/../other matches an allowed prefix. Fix: remove it.`,
    ]);
    const encoded = staticDoc();
    encoded.entryPoints.websecure.http = {
      encodedCharacters: { allowEncodedSlash: true, allowEncodedHash: true },
    };
    expect(await runTraefik(brainDynamic(), { staticConfig: encoded })).toEqual([
      `${BRAIN}router 'brain': entry point 'websecure' sets encodedCharacters.allowEncodedSlash, so an encoded path can match an allowed prefix and be decoded behind it. Fix: remove it.`,
    ]);
  });

  it("reads brainPathPrefixes from config and ignores entries that are not plain paths", async () => {
    const rule = "Host(`helm.example.com`) && PathPrefix(`/api/risk/halt`)";
    expect(await runTraefik(withRule(rule), { config: { brainPathPrefixes: ["/api/risk/halt"] } })).toEqual(
      [],
    );
    const [outside] = await runTraefik(withRule(rule));
    expect(outside).toContain(
      "its rule has PathPrefix(`/api/risk/halt`), which is not a Path/PathPrefix inside",
    );
    expect(
      await runTraefik(withRule(rule), { config: { brainPathPrefixes: ["/", "/api/risk/halt"] } }),
    ).toEqual([
      "brainPathPrefixes entry '/' is not a plain path below / (no dot segments, encoding or templates), so it is ignored. Fix: list prefixes such as /api/auth.",
    ]);
  });

  it("refuses 3002 and 3101 behind even the safest router, and honours brainBackendPorts", async () => {
    const ws = brainDynamic();
    ws.http.services.brain.loadBalancer.servers = [{ url: "https://10.110.0.3:3101" }];
    expect(await runTraefik(ws)).toEqual([
      "http service 'brain' routes to https://10.110.0.3:3101, port 3101 (an internal port: execution, brain WebSocket, NATS, Postgres, Redis). Fix: the proxy must never route there.",
    ]);
    const exec = brainDynamic();
    exec.http.services.brain.loadBalancer.servers = [{ url: "https://10.110.0.3:3002" }];
    const [execution] = await runTraefik(exec);
    expect(execution).toContain("port 3002 (an internal port");
    // Another gateway port, when configured, gets the same brain-route rules.
    const other = brainDynamic();
    other.http.services.brain.loadBalancer.servers = [{ url: "http://10.110.0.3:4443" }];
    expect(await runTraefik(other, { config: { brainBackendPorts: [4443] } })).toEqual([
      "http service 'brain' (brain port 4443): a server is not https, so the hop to the gateway is plain text. Fix: use https://<private-ip>:3100.",
    ]);
  });
});

// Edge cases: branches the tests above do not reach: defaults, alternative spellings, display details.
describe("traefik-config-safe: edge cases", () => {
  it("finds port-80 entry points by address and honours redirect shorthands", async () => {
    const run = async (staticYaml: string, dynamic = TRAEFIK_DYNAMIC) => {
      const c = traefik({
        uploads: [
          { file: "/etc/traefik/traefik.yml", content: staticYaml },
          { file: "/etc/traefik/dynamic/t.yaml", content: dynamic },
        ],
      });
      return runResourcePolicy(traefikConfigSafe, { type: c.type, props: c.properties });
    };
    const plain =
      "entryPoints:\n  http:\n    address: '0.0.0.0:80'\n  https:\n    address: ':443'\nproviders:\n  file: {}\n";
    const [message] = await run(plain);
    expect(message).toContain("entry point 'http' (port 80) does not redirect");
    const toOnly =
      "entryPoints:\n  http:\n    address: ':80'\n    http:\n      redirections:\n        entryPoint:\n          to: https\nproviders:\n  file: {}\n";
    expect(await run(toOnly)).toEqual([]);
    const toHttp = toOnly.replace("to: https", "to: https\n          scheme: http");
    expect(await run(toHttp)).toHaveLength(1);
    // A router without entryPoints listens on every entry point, port 80 included.
    const everywhere = TRAEFIK_DYNAMIC.replace(
      "      entryPoints: [websecure]\n      service: console\n",
      "      service: console\n",
    );
    const [open] = await run(plain, everywhere);
    expect(open).toContain("(console)");
  });
});

// Config carried into a service through a shared named volume (a never-started carrier container
// uploads it) is judged in the service that mounts it, at the path it appears under there.
describe("traefik-config-safe: config carriers", () => {
  it("a Traefik that mounts its carrier's volume has its static config; without the mount it has none", async () => {
    const files = [
      { file: "/etc/traefik/traefik.yml", content: TRAEFIK_STATIC },
      { file: "/etc/traefik/dynamic/titan.yml", content: TRAEFIK_DYNAMIC },
    ];
    const proxy = (mounts: Record<string, unknown>[]) =>
      mountingService("traefik", "traefik@sha256:x", mounts);
    expect(
      await runStackPolicy(traefikConfigSafe, [
        configCarrier("traefik-config", "titan-traefik-config", "/etc/traefik", files),
        proxy([{ type: "volume", source: "titan-traefik-config", target: "/etc/traefik", readOnly: true }]),
      ]),
    ).toEqual([]);
    // Adversarial: the proxy mounts some other volume at the same path.
    const unchecked = await runStackPolicy(traefikConfigSafe, [
      configCarrier("traefik-config", "titan-traefik-config", "/etc/traefik", files),
      proxy([{ type: "volume", source: "attacker-config", target: "/etc/traefik", readOnly: true }]),
    ]);
    expect(unchecked[0]).toBe(
      "Traefik container 'traefik' (urn:pulumi:test::titan::docker:index/container:Container::traefik): no static config (traefik.yml) is uploaded, so its API and entry points cannot be checked. Fix: upload /etc/traefik/traefik.yml.",
    );
  });
});

// What the policy reads and what it leaves alone: which resources and files are Traefik's config,
// which static file is judged, and the neighbours of each refusal that must pass.
describe("traefik-config-safe: what is judged", () => {
  it("ignores an api section Traefik ignores (null), and judges bare and explicit API flags", async () => {
    expect(await runTraefik(brainDynamic(), { staticConfig: `${TRAEFIK_STATIC}api:\n` })).toEqual([]);
    expect(
      await runTraefik(brainDynamic(), {
        container: { command: ["--api.dashboard", "--api.insecure=false", "--api.dashboard=false"] },
      }),
    ).toEqual(["command flag --api.dashboard enables the API. Fix: remove it."]);
  });

  it("judges an entry point named web whatever its port, and only https redirect middlewares count", async () => {
    const s = staticDoc();
    s.entryPoints.web = { address: ":8080" };
    expect(await runTraefik(brainDynamic(), { staticConfig: s })).toEqual([
      "entry point 'web' (port 80) does not redirect to https (no router redirects it). Fix: set entryPoints.web.http.redirections.entryPoint.to: websecure with scheme: https.",
    ]);
    const doc = brainDynamic();
    doc.http.routers.console.entryPoints = ["web", "websecure"];
    doc.http.routers["console-api"].entryPoints = ["web", "websecure"];
    doc.http.routers.console.middlewares = ["hsts"];
    doc.http.routers["console-api"].middlewares = ["to-http"];
    doc.http.middlewares.hsts = { headers: { stsSeconds: 31536000 } };
    doc.http.middlewares["to-http"] = { redirectScheme: { scheme: "http" } };
    expect(await runTraefik(doc, { staticConfig: s })).toEqual([
      "entry point 'web' (port 80) does not redirect to https (console, console-api). Fix: set entryPoints.web.http.redirections.entryPoint.to: websecure with scheme: https.",
    ]);
  });

  it("requires tls.options.default itself, not just some TLS 1.3 option set", async () => {
    const doc = brainDynamic();
    doc.tls.options = { modern: { minVersion: "VersionTLS13" } };
    expect(await runTraefik(doc)).toEqual([
      "no tls.options.default in the dynamic config. Fix: add tls.options.default.minVersion: VersionTLS13.",
    ]);
  });

  it("judges http, udp and tls sections written into the static file, together or alone", async () => {
    const sections: Doc = {
      http: { services: { exec: { loadBalancer: { servers: [{ url: "http://10.110.0.3:3002" }] } } } },
      tcp: { services: { bus: { loadBalancer: { servers: [{ address: "10.110.0.3:4222" }] } } } },
      udp: { services: { cache: { loadBalancer: { servers: [{ address: "10.110.0.3:6379" }] } } } },
      tls: { options: { weak: { minVersion: "VersionTLS12" } } },
    };
    const expected: Record<string, string> = {
      http: `http service 'exec' routes to http://10.110.0.3:3002, port 3002 ${INTERNAL}`,
      tcp: `tcp service 'bus' routes to 10.110.0.3:4222, port 4222 ${INTERNAL}`,
      udp: `udp service 'cache' routes to 10.110.0.3:6379, port 6379 ${INTERNAL}`,
      tls: "tls.options.weak.minVersion is 'VersionTLS12'. Fix: set minVersion: VersionTLS13.",
    };
    for (const key of Object.keys(sections)) {
      expect(
        await runTraefik(brainDynamic(), { staticConfig: { ...staticDoc(), [key]: sections[key] } }),
        key,
      ).toEqual([expected[key]]);
    }
    const all = await runTraefik(brainDynamic(), { staticConfig: { ...staticDoc(), ...sections } });
    expect(all.sort()).toEqual(Object.values(expected).sort());
  });

  it("judges only the files the file provider reads, by extension at the end of the name", async () => {
    const legacy = {
      http: { services: { legacy: { loadBalancer: { servers: [{ url: "http://10.110.0.3:3002" }] } } } },
    };
    const messages = await runTraefik(brainDynamic(), {
      container: {
        uploads: [
          { file: "/etc/traefik/traefik.yml", content: TRAEFIK_STATIC },
          { file: "/etc/traefik/dynamic/titan.yml", content: stringify(brainDynamic()) },
          { file: "/etc/traefik/errors/500.html", content: "<p>{{ .Status }}</p>" },
          { file: "/etc/traefik/dynamic/notes.txt", content: "routes: [" },
          { file: "/etc/traefik/dynamic/old.toml.yml", content: stringify(legacy) },
        ],
      },
    });
    expect(messages).toEqual([
      `http service 'legacy' routes to http://10.110.0.3:3002, port 3002 ${INTERNAL}`,
    ]);
  });

  it("judges the static file at the loaded path, and another static file when that one cannot be read", async () => {
    const evil = `${TRAEFIK_STATIC}api:\n  insecure: true\n  dashboard: false\n`;
    const both = (first: { file: string; content: string }, second: { file: string; content: string }) =>
      runTraefik(brainDynamic(), {
        container: {
          uploads: [
            first,
            second,
            { file: "/etc/traefik/dynamic/titan.yml", content: stringify(brainDynamic()) },
          ],
        },
      });
    const moved =
      "the static config is uploaded to /root/.config/traefik.yml, not /etc/traefik/traefik.yml, so the file checked may not be the one Traefik loads. Fix: upload it to /etc/traefik/traefik.yml.";
    const two =
      "2 static config files are uploaded (/root/.config/traefik.yml, /etc/traefik/traefik.yml); Traefik loads only one, by its own search order. Fix: upload exactly one, /etc/traefik/traefik.yml.";
    expect(
      await both(
        { file: "/root/.config/traefik.yml", content: evil },
        { file: "/etc/traefik/traefik.yml", content: TRAEFIK_STATIC },
      ),
    ).toEqual([two, moved]);
    expect(
      await both(
        { file: "/root/.config/traefik.yml", content: evil },
        { file: "/etc/traefik/traefik.yml", content: "entryPoints: [" },
      ),
    ).toEqual([
      two,
      moved,
      expect.stringMatching(
        /^\/etc\/traefik\/traefik\.yml is not valid YAML \(.+\)\. Fix: correct the YAML\.$/,
      ),
      "api.insecure is true, which serves the API unauthenticated on :8080. Fix: remove it.",
    ]);
  });
});

describe("traefik-config-safe: which resources are Traefik", () => {
  it("judges Docker containers only, not another resource named traefik", async () => {
    const droplet = {
      type: T.droplet,
      name: "traefik",
      props: { name: "traefik", image: "ubuntu-24-04-x64" },
    };
    expect(await runStackPolicy(traefikConfigSafe, [droplet])).toEqual([]);
  });

  it("judges a carrier's dynamic files in the proxy that mounts them, not in the carrier", async () => {
    const carrier = configCarrier("traefik-dynamic", "titan-traefik-dynamic", "/etc/traefik/dynamic", [
      { file: "/etc/traefik/dynamic/titan.yml", content: stringify(brainDynamic()) },
    ]);
    const proxy = mountingService(
      "traefik",
      "traefik@sha256:x",
      [{ type: "volume", source: "titan-traefik-dynamic", target: "/etc/traefik/dynamic", readOnly: true }],
      { uploads: [{ file: "/etc/traefik/traefik.yml", content: TRAEFIK_STATIC }] },
    );
    expect(await runStackPolicy(traefikConfigSafe, [carrier, proxy])).toEqual([]);
  });
});
