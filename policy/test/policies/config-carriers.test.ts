// Config carried into a service through a shared named volume (a never-started carrier container
// uploads it) is judged in the service that mounts it, at the path it appears under there.
import { describe, expect, it } from "vitest";
import { effectiveUploads } from "../../lib/docker";
import { natsConfigSafe } from "../../policies/nats-config-safe";
import { traefikConfigSafe } from "../../policies/traefik-config-safe";
import { BCRYPT_8, container, NATS_CONF, T, TRAEFIK_DYNAMIC, TRAEFIK_STATIC } from "../fixtures";
import { runStackPolicy } from "../helpers";

const carrier = (
  name: string,
  volume: string,
  target: string,
  uploads: { file: string; content: string }[],
) => ({
  type: T.container,
  name,
  props: container(name, {
    start: false,
    mustRun: false,
    networkMode: "none",
    ports: [],
    envs: [],
    readOnly: false,
    mounts: [{ type: "volume", source: volume, target, readOnly: false }],
    uploads,
  }).properties,
});
const service = (name: string, image: string, mounts: Record<string, unknown>[], extra = {}) => ({
  type: T.container,
  name,
  props: container(name, { image, mounts, ...extra }).properties,
});

// The server loads the carried file (nats-config-safe refuses a server started on another one).
const NATS_COMMAND = { command: ["nats-server", "--config", "/etc/nats/nats.conf"] };

describe("config carriers", () => {
  it("maps a carrier's upload to the path the service mounts the volume at", () => {
    const files = effectiveUploads(
      container("svc", { mounts: [{ type: "volume", source: "cfg", target: "/config", readOnly: true }] })
        .properties,
      [
        container("c", {
          mounts: [{ type: "volume", source: "cfg", target: "/etc/nats" }],
          uploads: [
            { file: "/etc/nats/nats.conf", content: "a" },
            { file: "/tmp/elsewhere.conf", content: "b" },
          ],
        }).properties,
        container("d", {
          mounts: [{ type: "volume", source: "other", target: "/etc/nats" }],
          uploads: [{ file: "/etc/nats/nats.conf", content: "c" }],
        }).properties,
      ],
    );
    expect(files).toEqual([{ file: "/config/nats.conf", content: "a" }]);
  });

  it("judges the NATS config a carrier delivers, on the server that mounts it", async () => {
    const bad = NATS_CONF.replace(/\$2b\$11\$[^"]+/, BCRYPT_8);
    const messages = await runStackPolicy(natsConfigSafe, [
      carrier("nats-config", "titan-nats-config", "/etc/nats", [
        { file: "/etc/nats/nats.conf", content: bad },
      ]),
      service(
        "nats",
        "nats@sha256:x",
        [{ type: "volume", source: "titan-nats-config", target: "/etc/nats", readOnly: true }],
        NATS_COMMAND,
      ),
    ]);
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages)
      expect(m).toMatch(
        /^Container 'nats' \(urn:pulumi:test::titan::docker:index\/container:Container::nats\): NATS config \/etc\/nats\/nats.conf: /,
      );
    expect(messages[0]).toContain("bcrypt");
    // The safe neighbour: the same carrier with the good config.
    expect(
      await runStackPolicy(natsConfigSafe, [
        carrier("nats-config", "titan-nats-config", "/etc/nats", [
          { file: "/etc/nats/nats.conf", content: NATS_CONF },
        ]),
        service(
          "nats",
          "nats@sha256:x",
          [{ type: "volume", source: "titan-nats-config", target: "/etc/nats", readOnly: true }],
          NATS_COMMAND,
        ),
      ]),
    ).toEqual([]);
  });

  it("a Traefik that mounts its carrier's volume has its static config; without the mount it has none", async () => {
    const files = [
      { file: "/etc/traefik/traefik.yml", content: TRAEFIK_STATIC },
      { file: "/etc/traefik/dynamic/titan.yml", content: TRAEFIK_DYNAMIC },
    ];
    const proxy = (mounts: Record<string, unknown>[]) => service("traefik", "traefik@sha256:x", mounts);
    expect(
      await runStackPolicy(traefikConfigSafe, [
        carrier("traefik-config", "titan-traefik-config", "/etc/traefik", files),
        proxy([{ type: "volume", source: "titan-traefik-config", target: "/etc/traefik", readOnly: true }]),
      ]),
    ).toEqual([]);
    // Adversarial: the proxy mounts some other volume at the same path.
    const unchecked = await runStackPolicy(traefikConfigSafe, [
      carrier("traefik-config", "titan-traefik-config", "/etc/traefik", files),
      proxy([{ type: "volume", source: "attacker-config", target: "/etc/traefik", readOnly: true }]),
    ]);
    expect(unchecked[0]).toBe(
      "Traefik container 'traefik' (urn:pulumi:test::titan::docker:index/container:Container::traefik): no static config (traefik.yml) is uploaded, so its API and entry points cannot be checked. Fix: upload /etc/traefik/traefik.yml.",
    );
  });
});
