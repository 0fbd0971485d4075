import { z } from "zod";

export const SEVERITY_ORDER = ["info", "low", "moderate", "high", "critical"] as const;
export type Severity = (typeof SEVERITY_ORDER)[number];

/** One reviewed, accepted advisory. `id` is the GHSA id or npm's numeric source id; `url` its advisory URL. */
const allowlistEntrySchema = z
  .object({
    id: z.union([z.string(), z.number()]).optional(),
    url: z.string().url().optional(),
    package: z.string().optional(),
    reason: z.string().min(10, "give a real reason"),
    expires: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expires must be YYYY-MM-DD"),
  })
  .refine((entry) => entry.id !== undefined || entry.url !== undefined, "each entry needs an id or a url");

export const auditAllowlistSchema = z.object({ advisories: z.array(allowlistEntrySchema) });
export type AllowlistEntry = z.infer<typeof allowlistEntrySchema>;

export interface Advisory {
  /** npm's numeric source id. */
  source?: number;
  url?: string;
  title: string;
  severity: Severity;
  package: string;
  range?: string;
}

const viaSchema = z.object({
  source: z.number().optional(),
  name: z.string(),
  title: z.string().default(""),
  url: z.string().optional(),
  severity: z.enum(SEVERITY_ORDER),
  range: z.string().optional(),
});

const auditReportSchema = z.object({
  vulnerabilities: z
    .record(z.string(), z.object({ via: z.array(z.union([z.string(), viaSchema])) }))
    .default({}),
});

const auditErrorSchema = z.object({
  error: z.object({
    code: z.string().nullish(),
    summary: z.string().nullish(),
    detail: z.string().nullish(),
  }),
  statusCode: z.number().optional(),
  message: z.string().optional(),
});

/** Transport failures: the endpoint could not be reached at all. */
const NETWORK_ERROR_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "EPROXY",
  "ERR_SOCKET_TIMEOUT",
]);

/**
 * HTTP answers meaning "no audit service at this address": a registry mirror or proxy that does not serve the
 * bulk advisory endpoint (405 here), or a gateway failure. 4xx auth or request errors are real failures.
 */
const UNREACHABLE_HTTP_STATUSES = new Set([404, 405, 501, 502, 503, 504]);

export type AuditOutcome =
  | { kind: "report"; advisories: Advisory[] }
  | { kind: "unreachable"; reason: string }
  | { kind: "error"; reason: string };

/** Reads `npm audit --json` output. */
export function readAuditOutput(json: string): AuditOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { kind: "error", reason: "npm audit printed no JSON" };
  }
  const failure = auditErrorSchema.safeParse(parsed);
  if (failure.success) {
    const code = failure.data.error.code ?? "";
    const status = failure.data.statusCode;
    const reason = [failure.data.message, failure.data.error.summary, code]
      .filter((part) => part)
      .join(" / ");
    if (NETWORK_ERROR_CODES.has(code) || (status !== undefined && UNREACHABLE_HTTP_STATUSES.has(status))) {
      return { kind: "unreachable", reason: reason || `HTTP ${status}` };
    }
    return { kind: "error", reason: reason || "npm audit failed" };
  }
  const report = auditReportSchema.parse(parsed);
  const advisories: Advisory[] = [];
  for (const [name, vulnerability] of Object.entries(report.vulnerabilities)) {
    for (const via of vulnerability.via) {
      if (typeof via === "string") continue; // transitive pointer; the advisory itself is listed under its package
      advisories.push({
        source: via.source,
        url: via.url,
        title: via.title,
        severity: via.severity,
        package: via.name || name,
        range: via.range,
      });
    }
  }
  return { kind: "report", advisories: dedupe(advisories) };
}

function dedupe(advisories: Advisory[]): Advisory[] {
  const seen = new Map<string, Advisory>();
  for (const advisory of advisories)
    seen.set(`${advisory.source ?? advisory.url}:${advisory.package}`, advisory);
  return [...seen.values()];
}

const atLeast = (severity: Severity, threshold: Severity): boolean =>
  SEVERITY_ORDER.indexOf(severity) >= SEVERITY_ORDER.indexOf(threshold);

const isExpired = (entry: AllowlistEntry, today: string): boolean => entry.expires < today;

function ghsaOf(url: string | undefined): string | undefined {
  return url === undefined ? undefined : /GHSA-[\w-]+/i.exec(url)?.[0]?.toUpperCase();
}

export function entryMatches(entry: AllowlistEntry, advisory: Advisory): boolean {
  if (entry.package !== undefined && entry.package !== advisory.package) return false;
  if (entry.url !== undefined && entry.url === advisory.url) return true;
  if (entry.id === undefined) return false;
  const id = String(entry.id).toUpperCase();
  return id === String(advisory.source) || id === ghsaOf(advisory.url);
}

export interface AuditDecision {
  blocking: Advisory[];
  accepted: { advisory: Advisory; entry: AllowlistEntry }[];
  expiredEntries: AllowlistEntry[];
}

/** Blocking = at or above the threshold and not covered by a live allow-list entry. Expired entries always block. */
export function decide(
  advisories: readonly Advisory[],
  allowlist: readonly AllowlistEntry[],
  threshold: Severity,
  today: string,
): AuditDecision {
  const live = allowlist.filter((entry) => !isExpired(entry, today));
  const decision: AuditDecision = {
    blocking: [],
    accepted: [],
    expiredEntries: allowlist.filter((entry) => isExpired(entry, today)),
  };
  for (const advisory of advisories.filter((candidate) => atLeast(candidate.severity, threshold))) {
    const entry = live.find((candidate) => entryMatches(candidate, advisory));
    if (entry === undefined) decision.blocking.push(advisory);
    else decision.accepted.push({ advisory, entry });
  }
  return decision;
}

export const isPassing = (decision: AuditDecision): boolean =>
  decision.blocking.length === 0 && decision.expiredEntries.length === 0;
