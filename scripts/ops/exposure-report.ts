import { INTERNAL_PORTS } from "../../infra/model/ports";
import { type HttpOutcome, probeHttp, probeTcp, probeTlsVersion, type TcpOutcome } from "./exposure-probes";
import { renderTable } from "./report-table";

/** Internal ports that must never answer on a public address (DESIGN.md, defence in depth). */
export const PROTECTED_PORTS = INTERNAL_PORTS;

export type Verdict = "pass" | "FAIL" | "note";

export interface Finding {
  host: string;
  port: number;
  check: string;
  observed: string;
  verdict: Verdict;
}

export interface ExposureOptions {
  hosts: readonly string[];
  protectedPorts: readonly number[];
  sshPort: number;
  /** When true, an answering SSH port is a failure (run from a network outside the allow-list). */
  sshMustBeClosed: boolean;
  httpsPort: number;
  httpPort: number;
  timeoutMs: number;
  /** SNI name and HTTP Host header (the stack's domain); defaults to the address. */
  servername?: string;
}

const closedVerdict = (outcome: TcpOutcome): Verdict => (outcome === "open" ? "FAIL" : "pass");

async function checkProtectedPort(host: string, port: number, timeoutMs: number): Promise<Finding> {
  const outcome = await probeTcp(host, port, timeoutMs);
  return { host, port, check: "protected port closed", observed: outcome, verdict: closedVerdict(outcome) };
}

async function checkSsh(host: string, options: ExposureOptions): Promise<Finding> {
  const outcome = await probeTcp(host, options.sshPort, options.timeoutMs);
  const base = { host, port: options.sshPort, check: "ssh only from allow-list", observed: outcome };
  if (outcome !== "open") return { ...base, verdict: "pass" };
  if (options.sshMustBeClosed) return { ...base, verdict: "FAIL" };
  return { ...base, observed: "open (fine only if this source is in titan:sshAllowlist)", verdict: "note" };
}

async function checkTls(host: string, options: ExposureOptions): Promise<Finding[]> {
  const port = options.httpsPort;
  const tls12 = await probeTlsVersion(host, port, "TLSv1.2", options.timeoutMs, options.servername);
  const tls13 = await probeTlsVersion(host, port, "TLSv1.3", options.timeoutMs, options.servername);
  return [
    {
      host,
      port,
      check: "TLS 1.2 refused",
      observed: tls12.handshake ? `accepted (${tls12.detail})` : `refused (${tls12.detail})`,
      verdict: tls12.handshake ? "FAIL" : "pass",
    },
    {
      host,
      port,
      check: "TLS 1.3 accepted",
      observed: tls13.handshake ? `accepted (${tls13.detail})` : `refused (${tls13.detail})`,
      verdict: tls13.handshake ? "pass" : "FAIL",
    },
  ];
}

export function describeRedirect(outcome: HttpOutcome): { observed: string; verdict: Verdict } {
  if (outcome.error !== undefined) return { observed: `no answer (${outcome.error})`, verdict: "FAIL" };
  const status = outcome.status ?? 0;
  const observed = `${status}${outcome.location === undefined ? "" : ` -> ${outcome.location}`}`;
  const redirects = status >= 300 && status < 400 && (outcome.location ?? "").startsWith("https://");
  return { observed, verdict: redirects ? "pass" : "FAIL" };
}

async function checkRedirect(host: string, options: ExposureOptions): Promise<Finding> {
  const outcome = await probeHttp(host, options.httpPort, options.timeoutMs, options.servername);
  return { host, port: options.httpPort, check: "HTTP redirects to https://", ...describeRedirect(outcome) };
}

export async function verifyExposure(options: ExposureOptions): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const host of options.hosts) {
    const closed = await Promise.all(
      options.protectedPorts.map((port) => checkProtectedPort(host, port, options.timeoutMs)),
    );
    findings.push(
      ...closed,
      await checkSsh(host, options),
      ...(await checkTls(host, options)),
      await checkRedirect(host, options),
    );
  }
  return findings;
}

export function renderFindings(findings: readonly Finding[]): string {
  return renderTable(
    ["host", "port", "check", "observed", "verdict"],
    findings.map((finding) => [
      finding.host,
      String(finding.port),
      finding.check,
      finding.observed,
      finding.verdict,
    ]),
  );
}

export const hasFailures = (findings: readonly Finding[]): boolean =>
  findings.some((finding) => finding.verdict === "FAIL");
