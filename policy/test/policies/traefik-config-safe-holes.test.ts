// Issue 12, Traefik hole class: TCP/UDP to internal ports, backends that cannot be read, 443
// without TLS, and whatever changes which static config Traefik loads.
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { TRAEFIK_DYNAMIC, TRAEFIK_STATIC } from "../fixtures";
import { brainDynamic, type Doc, runTraefik, staticDoc } from "../traefik-fixtures";

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
