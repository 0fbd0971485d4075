import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createTcpServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer, type SecureVersion, type Server as TlsServer } from "node:tls";

export const LOOPBACK = "127.0.0.1";

type Closable = Server | HttpServer | TlsServer;

/** Listeners on 127.0.0.1 that stand in for a deployed edge host; close() stops them all. */
export class LoopbackHost {
  private readonly servers: Closable[] = [];

  async listen(server: Closable): Promise<number> {
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    return address.port;
  }

  /** A TLS server whose lowest accepted version is `minVersion`. */
  tls(certificate: Certificate, minVersion: SecureVersion): Promise<number> {
    const server = createTlsServer({ ...certificate, minVersion }, (socket) => socket.end());
    return this.listen(server);
  }

  /** Answers every request with `status` and `location`. */
  http(status: number, location: string): Promise<number> {
    const server = createHttpServer((_request, response) => {
      response.writeHead(status, { location });
      response.end();
    });
    return this.listen(server);
  }

  /** Something listening on a port that should be closed (e.g. an exposed NATS). */
  rawTcp(): Promise<number> {
    return this.listen(createTcpServer((socket) => socket.end()));
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** A loopback port with nothing listening on it (bound, read, released). */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

export interface Certificate {
  key: string;
  cert: string;
}

/** A throwaway self-signed P-256 certificate made by the real openssl binary. */
export function throwawayCertificate(): Certificate {
  const directory = mkdtempSync(join(tmpdir(), "titan-exposure-"));
  try {
    const key = join(directory, "key.pem");
    const cert = join(directory, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
      ].concat(["-subj", "/CN=localhost", "-keyout", key, "-out", cert]),
      { stdio: "ignore" },
    );
    return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
