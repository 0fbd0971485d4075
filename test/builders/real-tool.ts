// Helpers for tests that run the real program reading a generated file. In CI (process.env.CI set)
// a missing program is a failure, never a skip; locally the test skips with a message.
import { execFileSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SEARCH_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/** Absolute path of a program, or undefined. Looks in sbin too (sshd, nginx, nats-server). */
export function findProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(":"), ...SEARCH_PATH].filter((d) => d !== "");
  for (const dir of dirs) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** True when the test may run. Throws in CI when the program is missing. */
export function haveProgram(name: string, aptPackage: string): boolean {
  if (findProgram(name)) return true;
  const message = `${name} not found (apt-get install -y ${aptPackage})`;
  if (process.env.CI) throw new Error(`${message}: real-tool tests are never skipped in CI`);
  console.warn(`SKIPPING real-tool test: ${message}`);
  return false;
}

export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return {
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }),
  };
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        reject(new Error("no port"));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** Throwaway CA plus a server (and client) certificate for 127.0.0.1/localhost, made by openssl. */
export interface TestPki {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

export function makeTestPki(dir: string): TestPki {
  const p = (f: string) => join(dir, f);
  const run = (args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  run(
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"].concat([
      "-subj",
      "/CN=titan-test-ca",
      "-keyout",
      p("ca.key"),
      "-out",
      p("ca.crt"),
    ]),
  );
  for (const [name, usage] of [
    ["server", "serverAuth"],
    ["client", "clientAuth"],
  ] as const) {
    run(
      ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"].concat([
        "-subj",
        `/CN=titan-test-${name}`,
        "-keyout",
        p(`${name}.key`),
        "-out",
        p(`${name}.csr`),
      ]),
    );
    const ext = p(`${name}.ext`);
    execFileSync("sh", [
      "-c",
      `printf '%s\\n' 'subjectAltName=DNS:localhost,IP:127.0.0.1' 'extendedKeyUsage=${usage}' > '${ext}'`,
    ]);
    run(
      ["x509", "-req", "-in", p(`${name}.csr`), "-CA", p("ca.crt"), "-CAkey", p("ca.key")].concat([
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        ext,
        "-out",
        p(`${name}.crt`),
      ]),
    );
  }
  return {
    caCert: p("ca.crt"),
    serverCert: p("server.crt"),
    serverKey: p("server.key"),
    clientCert: p("client.crt"),
    clientKey: p("client.key"),
  };
}
