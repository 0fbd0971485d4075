import { describe, expect, it } from "vitest";
import { brainRouteProblems } from "../../lib/traefik-brain";
import { buildModel } from "../../lib/traefik-model";
import { brainDynamic, type Doc, staticDoc } from "../traefik-fixtures";

const CONFIG = {
  brainPathPrefixes: ["/api/auth", "/api/operator", "/api/config", "/api/ws/console"],
  brainBackendPorts: [3100],
};
const BRAIN = "http service 'brain' (brain port 3100): ";
const ROUTER = `${BRAIN}router 'brain': `;

const problems = (dynamic: Doc, staticConfig: Doc = staticDoc(), config = CONFIG) =>
  brainRouteProblems(buildModel(staticConfig, [dynamic]), config);

/** The console's brain route with these middlewares (added to the fixture's) and this rule. */
function routed(middlewares: Doc, names: string[], rule?: string): Doc {
  const doc = brainDynamic();
  doc.http.middlewares = { ...doc.http.middlewares, ...middlewares };
  doc.http.routers.brain.middlewares = names;
  if (rule !== undefined) doc.http.routers.brain.rule = rule;
  return doc;
}

const strips = (name: string, prefix: string, path: string) =>
  `${ROUTER}middleware '${name}' strips '${prefix}' from '${path}', which turns an allowed path into any path below it. Fix: strip only a leading segment the allowed prefixes share, such as /api`;

describe("brain routes: the fixture", () => {
  it("accepts the console's brain route", () => {
    expect(problems(brainDynamic())).toEqual([]);
  });
});

describe("brain routes: mutual TLS to the gateway", () => {
  it("requires client certificates on the serversTransport, not just a CA", () => {
    const noCertificates = brainDynamic();
    delete noCertificates.http.serversTransports["brain-gateway"].certificates;
    const message = `${BRAIN}serversTransport 'brain-gateway' has no complete client certificate (certificates: [{certFile, keyFile}]), so the gateway cannot require mutual TLS. Fix: add the proxy's client certificate`;
    expect(problems(noCertificates)).toEqual([message]);
    const empty = brainDynamic();
    empty.http.serversTransports["brain-gateway"].certificates = [];
    expect(problems(empty)).toEqual([message]);
  });
});

describe("brain routes: middlewares that change the path", () => {
  it("stops at the first stripPrefix prefix the path starts with, an empty one included, as Traefik does", () => {
    // Traefik trims each prefix, strips '' (nothing) and stops: 'late' then strips the whole allowed prefix.
    for (const empty of ["", "  "]) {
      const doc = routed(
        {
          early: { stripPrefix: { prefixes: [empty, "/api"] } },
          late: { stripPrefix: { prefixes: ["/api/auth"] } },
        },
        ["early", "late"],
        "PathPrefix(`/api/auth`)",
      );
      expect(problems(doc), JSON.stringify(empty)).toEqual([strips("late", "/api/auth", "/api/auth")]);
    }
  });

  it("skips stripPrefix prefixes that are not text, which never match a path", () => {
    // true is the string "true" to Traefik: /api is stripped, then /auth from what is left.
    const doc = routed(
      {
        early: { stripPrefix: { prefixes: [true, " /api "] } },
        late: { stripPrefix: { prefixes: ["/auth"] } },
      },
      ["early", "late"],
      "PathPrefix(`/api/auth`)",
    );
    expect(problems(doc)).toEqual([strips("late", "/auth", "/auth")]);
  });

  it("refuses a strip that leaves only a slash", () => {
    const doc = routed(
      { s: { stripPrefix: { prefixes: ["/api/auth"] } } },
      ["s"],
      "PathPrefix(`/api/auth/`)",
    );
    expect(problems(doc)).toEqual([strips("s", "/api/auth", "/api/auth/")]);
  });

  it("restores the leading slash after a prefix ending in a slash, so the next strip is judged", () => {
    const doc = routed(
      { first: { stripPrefix: { prefixes: ["/api/"] } }, second: { stripPrefix: { prefixes: ["/auth"] } } },
      ["first", "second"],
    );
    expect(problems(doc)).toEqual([strips("second", "/auth", "/auth")]);
    // The same strips in a safe order: /api/auth -> /auth, and /api/ no longer applies.
    const safe = routed(
      { first: { stripPrefix: { prefixes: ["/api/"] } }, other: { stripPrefix: { prefixes: ["/other"] } } },
      ["first", "other"],
    );
    expect(problems(safe)).toEqual([]);
  });
});

describe("brain routes: the router and entry point", () => {
  it("refuses a router with no rule at all", () => {
    const doc = brainDynamic();
    delete doc.http.routers.brain.rule;
    expect(problems(doc)).toEqual([
      `${ROUTER}its rule '' cannot be parsed (empty rule). Fix: write Host(\`d\`) && (PathPrefix(\`/a\`) || PathPrefix(\`/b\`))`,
    ]);
  });

  it("accepts sanitizePath set to true, and refuses any other value", () => {
    const s = staticDoc();
    s.entryPoints.websecure.http = { sanitizePath: true };
    expect(problems(brainDynamic(), s)).toEqual([]);
    s.entryPoints.websecure.http = { sanitizePath: "false" };
    expect(problems(brainDynamic(), s)).toEqual([
      `${ROUTER}entry point 'websecure' sets sanitizePath: false, so /allowed/../other matches an allowed prefix. Fix: remove it`,
    ]);
  });

  it("names every configured brain port in the label", () => {
    const doc = brainDynamic();
    doc.http.routers.brain.rule = "Host(`helm.example.com`)";
    expect(problems(doc, staticDoc(), { ...CONFIG, brainBackendPorts: [3100, 4443] })).toEqual([
      "http service 'brain' (brain port 3100/4443): router 'brain': its rule 'Host(`helm.example.com`)' can match paths outside brainPathPrefixes (a branch with no allowed Path/PathPrefix). Fix: AND every branch with an allowed PathPrefix",
    ]);
  });
});

describe("brain routes: error pages", () => {
  it("accepts an errors middleware whose service does not reach brain", () => {
    const doc = brainDynamic();
    doc.http.middlewares.oops = {
      errors: { status: ["500-599"], service: "console", query: "/{status}.html" },
    };
    expect(problems(doc)).toEqual([]);
  });
});
