import { describe, expect, it } from "vitest";
import { buildModel } from "../../lib/traefik-model";
import { backendProblems } from "../../lib/traefik-routes";

const PORTS = { forbiddenBackendPorts: [3002], brainBackendPorts: [3100] };

describe("Traefik backends that cannot be read", () => {
  it("asks http services for a URL and TCP/UDP services for host:port, whatever the service is called", () => {
    const dynamic = {
      http: { services: { "legacy tcp bridge": { loadBalancer: { servers: [{ url: "bridge:9000" }] } } } },
      udp: { services: { dns: { loadBalancer: { servers: [{ address: "dns" }] } } } },
    };
    expect(backendProblems(buildModel({}, [dynamic]), [dynamic], PORTS)).toEqual([
      "http service 'legacy tcp bridge' points at 'bridge:9000', which cannot be read (it is not scheme://host[:port][/path]), so where it leads cannot be checked. Fix: write a literal scheme://host:port",
      "udp service 'dns' points at 'dns', which cannot be read (it is not host:port), so where it leads cannot be checked. Fix: write a literal host:port",
    ]);
  });
});
