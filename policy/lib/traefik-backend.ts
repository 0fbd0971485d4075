// Where a Traefik service server points. Strict on purpose: a URL this cannot read (a Go template
// the file provider renders at load time, credentials, a scheme with no default port, a missing
// port) is reported as unreadable, and the policy counts unreadable as unsafe.

export type BackendTarget =
  | { ok: true; scheme: string; host: string; port: number }
  | { ok: false; reason: string };

const HOST = String.raw`(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)`;
const URL_PATTERN = new RegExp(
  String.raw`^([A-Za-z][A-Za-z0-9+.-]*)://${HOST}(?::(\d{1,5}))?(/[^\s\\{}]*)?$`,
);
const ADDRESS_PATTERN = new RegExp(String.raw`^${HOST}:(\d{1,5})$`);
const DEFAULT_PORTS: Record<string, number | undefined> = { http: 80, https: 443 };

function portOf(text: string): number | undefined {
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

function explain(text: string): string {
  if (text === "") return "it is empty";
  if (text.includes("{{")) return "it is a Go template, rendered only when Traefik loads the file";
  if (text.includes("@")) return "it carries credentials or an unexpected '@'";
  return "it is not scheme://host[:port][/path]";
}

/** An HTTP service server `url`: http and https take their default ports, h2c needs one. */
export function parseServerUrl(value: unknown): BackendTarget {
  if (typeof value !== "string") return { ok: false, reason: "it is not a string" };
  const text = value.trim();
  const match = URL_PATTERN.exec(text);
  if (!match) return { ok: false, reason: explain(text) };
  const scheme = (match[1] ?? "").toLowerCase();
  if (!["http", "https", "h2c"].includes(scheme))
    return { ok: false, reason: `scheme ${scheme} is not http, https or h2c` };
  const port = match[3] === undefined ? DEFAULT_PORTS[scheme] : portOf(match[3]);
  if (port === undefined)
    return {
      ok: false,
      reason: match[3] === undefined ? `${scheme} has no default port` : `port ${match[3]} is out of range`,
    };
  return { ok: true, scheme, host: (match[2] ?? "").toLowerCase(), port };
}

/** A TCP/UDP service server `address`: host:port, the port required. */
export function parseServerAddress(value: unknown): BackendTarget {
  if (typeof value !== "string") return { ok: false, reason: "it is not a string" };
  const text = value.trim();
  const match = ADDRESS_PATTERN.exec(text);
  if (!match) return { ok: false, reason: text.includes("{{") ? explain(text) : "it is not host:port" };
  const port = portOf(match[2] ?? "");
  if (port === undefined) return { ok: false, reason: `port ${match[2]} is out of range` };
  return { ok: true, scheme: "", host: (match[1] ?? "").toLowerCase(), port };
}
