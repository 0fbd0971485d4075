import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { unwrapSecrets } from "../engine/redact";
import type { RegisteredResource } from "../engine/run-program";

/** Which host a container runs on: the name of its Docker provider (one per host). */
function hostOf(r: RegisteredResource, resources: RegisteredResource[]): string {
  const ref = r.options.provider ?? "";
  const provider = resources.find((p) => ref.startsWith(`${p.urn}::`));
  return provider?.name.replace(/-docker$/, "") ?? "unknown-host";
}

/**
 * Writes every file that lands on a droplet (cloud-init user data, files uploaded into
 * containers) per host, and the fake secret values the offline run used, so the artifacts can be
 * checked with the real programs (cloud-init schema, nats-server, sshd -t, traefik).
 */
export function writeArtifacts(
  dir: string,
  resources: RegisteredResource[],
  fakes: Record<string, string>,
): string[] {
  const written: string[] = [];
  const put = (rel: string, content: string) => {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    written.push(rel);
  };
  for (const r of resources) {
    const p = unwrapSecrets(r.inputs) as Record<string, unknown>;
    if (r.type === "digitalocean:index/droplet:Droplet" && typeof p.userData === "string") {
      put(join(r.name.replace(/-droplet$/, ""), "cloud-init.yaml"), p.userData);
    }
    if (r.type === "docker:index/container:Container") {
      const container = String(p.name ?? r.name);
      for (const upload of (p.uploads as { file?: string; content?: string }[] | undefined) ?? []) {
        if (typeof upload.file === "string" && typeof upload.content === "string") {
          put(join(hostOf(r, resources), container, upload.file.replace(/^\/+/, "")), upload.content);
        }
      }
    }
  }
  put(
    "secrets.offline.json",
    `${JSON.stringify({ note: "Fake values used by the offline plan; never real secrets.", values: fakes }, null, 2)}\n`,
  );
  return written;
}
