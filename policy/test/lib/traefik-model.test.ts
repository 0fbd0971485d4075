import { describe, expect, it } from "vitest";
import {
  buildModel,
  duplicateNames,
  localRef,
  reaches,
  routerEntryPoints,
  routerMiddlewares,
  serviceChildren,
  tlsPortEntryPoints,
} from "../../lib/traefik-model";
import { type Doc, staticDoc } from "../traefik-fixtures";

const lb = (url: string) => ({ loadBalancer: { servers: [{ url }] } });

describe("Traefik config model: names defined twice", () => {
  it("reports a name repeated across files in every routing section, once each", () => {
    const sections = (): Doc => ({
      http: { routers: { x: {} }, services: { x: {} }, middlewares: { x: {} }, serversTransports: { x: {} } },
      tcp: { routers: { x: {} }, services: { x: {} } },
      udp: { routers: { x: {} }, services: { x: {} } },
    });
    expect(duplicateNames([sections(), sections(), sections()])).toEqual([
      "http.routers.x",
      "http.services.x",
      "http.middlewares.x",
      "http.serversTransports.x",
      "tcp.routers.x",
      "tcp.services.x",
      "udp.routers.x",
      "udp.services.x",
    ]);
  });

  it("does not confuse the same name in different sections or protocols", () => {
    expect(
      duplicateNames([
        { http: { routers: { x: {} } }, tcp: { services: { x: {} } } },
        { http: { services: { x: {} } }, udp: { routers: { x: {} } } },
      ]),
    ).toEqual([]);
  });
});

describe("Traefik config model: references", () => {
  it("resolves a bare name or name@file to the file provider's name, in any case of the suffix", () => {
    expect(localRef("brain")).toBe("brain");
    expect(localRef(" brain@file ")).toBe("brain");
    expect(localRef("brain@FILE")).toBe("brain");
    expect(localRef("a@b@file")).toBe("a@b");
  });

  it("resolves nothing for other providers, empty names and non-strings", () => {
    expect(localRef("brain@internal")).toBeUndefined();
    expect(localRef("brain@docker")).toBeUndefined();
    expect(localRef("@docker")).toBeUndefined();
    expect(localRef("")).toBeUndefined();
    expect(localRef("   ")).toBeUndefined();
    expect(localRef(undefined)).toBeUndefined();
    expect(localRef({ name: "brain" })).toBeUndefined();
  });
});

describe("Traefik config model: services behind services", () => {
  it("lists every service a weighted, mirroring or failover service sends requests to", () => {
    expect(
      serviceChildren({
        weighted: { services: [{ name: "w1" }, { name: "w2", weight: 1 }] },
        mirroring: { service: "main", mirrors: [{ name: "m1", percent: 10 }] },
        failover: { service: "primary", fallback: "backup" },
      }),
    ).toEqual(["w1", "w2", "main", "m1", "primary", "backup"]);
    expect(serviceChildren(lb("http://titan-console:8080"))).toEqual([]);
  });

  it("finds brain behind a mirroring or failover service's main service", () => {
    const model = buildModel({}, [
      {
        http: {
          services: {
            brain: lb("https://10.110.0.3:3100"),
            mirror: { mirroring: { service: "brain@file", mirrors: [] } },
            failover: { failover: { service: "brain", fallback: "ui" } },
            ui: lb("http://titan-console:8080"),
          },
        },
      },
    ]);
    expect(reaches(model, "mirror", "brain")).toBe(true);
    expect(reaches(model, "failover", "brain")).toBe(true);
    expect(reaches(model, "ui", "brain")).toBe(false);
  });

  it("does not count a wrapper as reaching brain when none of its children does", () => {
    const model = buildModel({}, [
      {
        http: {
          services: {
            brain: lb("https://10.110.0.3:3100"),
            ui: lb("http://titan-console:8080"),
            split: {
              weighted: { services: [{ name: "ui" }, { name: "brain@docker" }, { name: "missing" }] },
            },
            loop: { weighted: { services: [{ name: "loop" }, { name: "split" }] } },
          },
        },
      },
    ]);
    expect(reaches(model, "split", "brain")).toBe(false);
    // A cycle ends the search without reaching anything.
    expect(reaches(model, "loop", "brain")).toBe(false);
    expect(reaches(model, "missing", "brain")).toBe(false);
    expect(reaches(model, "brain", "brain")).toBe(true);
  });
});

describe("Traefik config model: entry points", () => {
  const s = (): Doc => ({
    entryPoints: { web: { address: ":80" }, websecure: { address: ":443" }, admin: { address: ":9000" } },
  });

  it("takes a router's own entry points when it lists any", () => {
    expect(routerEntryPoints({ entryPoints: ["websecure", " admin "] }, s())).toEqual(["websecure", "admin"]);
  });

  it("puts a router whose entry points are all empty or unreadable on every entry point", () => {
    expect(routerEntryPoints({ entryPoints: [null, "", "  "] }, s())).toEqual(["web", "websecure", "admin"]);
    expect(routerEntryPoints({ entryPoints: [""] }, s())).toEqual(["web", "websecure", "admin"]);
    expect(routerEntryPoints({ entryPoints: [null] }, s())).toEqual(["web", "websecure", "admin"]);
    expect(routerEntryPoints({}, s())).toEqual(["web", "websecure", "admin"]);
  });

  it("puts a router without entry points on the asDefault ones when there are any", () => {
    const defaults = s();
    defaults.entryPoints.websecure.asDefault = true;
    expect(routerEntryPoints({}, defaults)).toEqual(["websecure"]);
  });

  it("finds the 443 entry points by address, and websecure whatever its port", () => {
    const eps = (doc: Doc) => tlsPortEntryPoints(doc).map((ep) => ep.name);
    expect(eps(s())).toEqual(["websecure"]);
    expect(
      eps({
        entryPoints: { websecure: { address: ":8443" }, https: { address: "0.0.0.0:443/tcp" }, web: {} },
      }),
    ).toEqual(["websecure", "https"]);
    expect(tlsPortEntryPoints({ entryPoints: { websecure: null } })).toEqual([
      { name: "websecure", value: {} },
    ]);
  });
});

describe("Traefik config model: middlewares on a router", () => {
  const model = (middlewares: Doc, staticConfig: Doc = staticDoc()) =>
    buildModel(staticConfig, [{ http: { middlewares } }]);

  it("lists entry-point middlewares first, then the router's, chains expanded in place", () => {
    const s = staticDoc();
    s.entryPoints.websecure.http = { middlewares: ["headers@file"] };
    const m = model(
      {
        headers: { headers: { frameDeny: true } },
        strip: { stripPrefix: { prefixes: ["/api"] } },
        both: { chain: { middlewares: ["strip", "auth@docker"] } },
      },
      s,
    );
    expect(
      routerMiddlewares(m, { entryPoints: ["websecure"], middlewares: ["both@file", " strip "] }),
    ).toEqual([
      { ref: "headers@file", definition: { headers: { frameDeny: true } } },
      { ref: "strip", definition: { stripPrefix: { prefixes: ["/api"] } } },
      { ref: "auth@docker", definition: undefined },
      { ref: "strip", definition: { stripPrefix: { prefixes: ["/api"] } } },
    ]);
  });

  it("keeps a reference it cannot read as undefined, shown as written", () => {
    expect(routerMiddlewares(model({}), { entryPoints: ["websecure"], middlewares: [true, 7] })).toEqual([
      { ref: "true", definition: undefined },
      { ref: "7", definition: undefined },
    ]);
  });

  it("stops at a chain that contains itself and reports the chain as used", () => {
    const loop = { chain: { middlewares: ["loop", "strip"] } };
    const m = model({ loop, strip: { stripPrefix: { prefixes: ["/api"] } } });
    expect(routerMiddlewares(m, { entryPoints: ["websecure"], middlewares: ["loop"] })).toEqual([
      { ref: "loop", definition: loop },
      { ref: "strip", definition: { stripPrefix: { prefixes: ["/api"] } } },
    ]);
  });
});
