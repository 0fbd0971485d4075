import { parse as parseYaml } from "yaml";
import { isRecord, type PropertyBag } from "./props";

export type ParsedDocument = { ok: true; doc: PropertyBag } | { ok: false; error: string };

export function parseYamlDocument(content: string): ParsedDocument {
  try {
    // Traefik's YAML reader applies `<<` merge keys; read them the same way, or merged-in
    // servers and rules would go unjudged.
    const doc: unknown = parseYaml(content, { merge: true });
    return { ok: true, doc: isRecord(doc) ? doc : {} };
  } catch (error) {
    return {
      ok: false,
      error: error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error),
    };
  }
}

/** Walks a.b.c through nested maps (Traefik keys are case-insensitive, so match loosely). */
export function dig(doc: unknown, ...keys: string[]): unknown {
  let current: unknown = doc;
  for (const key of keys) {
    if (!isRecord(current)) return undefined;
    const match = Object.keys(current).find((k) => k.toLowerCase() === key.toLowerCase());
    current = match === undefined ? undefined : current[match];
  }
  return current;
}

export function entries(value: unknown): [string, unknown][] {
  return isRecord(value) ? Object.entries(value) : [];
}

/** Port of an entry point address such as ":80", "0.0.0.0:80/tcp" or "[::]:80". */
export function addressPort(address: string): number | undefined {
  const match = /:(\d+)(?:\/(?:tcp|udp))?$/i.exec(address.trim());
  return match ? Number(match[1]) : undefined;
}
