import { request } from "node:http";
import { connect as connectTcp } from "node:net";
import { connect as connectTls, type SecureVersion } from "node:tls";

/** How a TCP connection attempt ended. "filtered" means no answer before the timeout (a dropping firewall). */
export type TcpOutcome = "open" | "refused" | "filtered" | "unreachable";

export function probeTcp(host: string, port: number, timeoutMs: number): Promise<TcpOutcome> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host, port });
    const finish = (outcome: TcpOutcome): void => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => finish("filtered"));
    socket.once("connect", () => finish("open"));
    socket.once("error", (error: NodeJS.ErrnoException) =>
      finish(
        error.code === "ECONNREFUSED" ? "refused" : error.code === "ETIMEDOUT" ? "filtered" : "unreachable",
      ),
    );
  });
}

export interface TlsOutcome {
  handshake: boolean;
  /** Negotiated protocol ("TLSv1.3") on success, the error text otherwise. */
  detail: string;
}

/**
 * Attempts a handshake restricted to one protocol version. Certificates are not verified: this probe is about
 * which protocol versions the server accepts, and it is usually aimed at an address, not the certificate's name.
 */
export function probeTlsVersion(
  host: string,
  port: number,
  version: SecureVersion,
  timeoutMs: number,
  servername?: string,
): Promise<TlsOutcome> {
  return new Promise((resolve) => {
    const socket = connectTls({
      host,
      port,
      minVersion: version,
      maxVersion: version,
      rejectUnauthorized: false,
      ...(servername === undefined ? {} : { servername }),
    });
    const finish = (outcome: TlsOutcome): void => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => finish({ handshake: false, detail: "timed out" }));
    socket.once("secureConnect", () => finish({ handshake: true, detail: socket.getProtocol() ?? version }));
    socket.once("error", (error: NodeJS.ErrnoException) =>
      finish({ handshake: false, detail: error.code ?? error.message }),
    );
  });
}

export interface HttpOutcome {
  status?: number;
  location?: string;
  error?: string;
}

/** One plain-HTTP GET of "/", without following redirects. */
export function probeHttp(
  host: string,
  port: number,
  timeoutMs: number,
  hostHeader?: string,
): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    const req = request(
      {
        host,
        port,
        path: "/",
        method: "GET",
        timeout: timeoutMs,
        headers: hostHeader === undefined ? {} : { host: hostHeader },
      },
      (response) => {
        response.resume();
        const location = response.headers.location;
        resolve({ status: response.statusCode, ...(location === undefined ? {} : { location }) });
        req.destroy();
      },
    );
    req.once("timeout", () => {
      req.destroy();
      resolve({ error: "timed out" });
    });
    req.once("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}
