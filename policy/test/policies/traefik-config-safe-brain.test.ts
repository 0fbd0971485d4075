// The console's brain route (issue 10 item 5): a backend on 3100 only on brainPathPrefixes, https,
// with an mTLS serversTransport; every router that can reach it judged, wrappers included.
import { describe, expect, it } from "vitest";
import { BRAIN_RULE, BRAIN_URL, brainDynamic, type Doc, runTraefik, staticDoc } from "../traefik-fixtures";

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
