import { execFile } from "node:child_process";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { describeRedirect, type ExposureOptions, verifyExposure } from "../../../scripts/ops/exposure-report";
import { addressesFromStackOutputs } from "../../../scripts/ops/stack-outputs";
import { type Certificate, closedPort, LOOPBACK, LoopbackHost, throwawayCertificate } from "./loopback-hosts";

const repositoryRoot = join(__dirname, "..", "..", "..");
const TIMEOUT_MS = 1_000;

let certificate: Certificate;
let host: LoopbackHost;

beforeAll(() => {
  certificate = throwawayCertificate();
});

afterEach(async () => {
  await host.close();
});

/** A host that does everything right: TLS 1.3 only, HTTP redirect, protected ports and SSH closed. */
async function safeHostOptions(): Promise<ExposureOptions> {
  host = new LoopbackHost();
  return {
    hosts: [LOOPBACK],
    protectedPorts: [await closedPort(), await closedPort()],
    sshPort: await closedPort(),
    sshMustBeClosed: false,
    httpsPort: await host.tls(certificate, "TLSv1.3"),
    httpPort: await host.http(301, "https://helm.example/"),
    timeoutMs: TIMEOUT_MS,
  };
}

interface CliRun {
  code: number | null;
  stdout: string;
}

function runCli(options: ExposureOptions): Promise<CliRun> {
  const args = [
    join(repositoryRoot, "node_modules", "tsx", "dist", "cli.mjs"),
    join(repositoryRoot, "scripts", "ops", "verify-exposure.ts"),
    ...options.hosts.flatMap((address) => ["--host", address]),
    "--protected-ports",
    options.protectedPorts.join(","),
    "--ssh-port",
    String(options.sshPort),
    "--https-port",
    String(options.httpsPort),
    "--http-port",
    String(options.httpPort),
    "--timeout-ms",
    String(options.timeoutMs),
  ];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 30_000 }, (error, stdout) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout });
    });
  });
}

describe("verify-exposure against loopback listeners", () => {
  it("passes a safe host, through the real CLI (exit 0)", async () => {
    const result = await runCli(await safeHostOptions());
    expect(result.stdout).toContain("nothing exposed");
    expect(result.stdout).not.toMatch(/\bFAIL\b/);
    expect(result.code).toBe(0);
  });

  it("catches an exposed protected port (exit 1, the report names host and port)", async () => {
    const options = await safeHostOptions();
    const exposedPort = await host.rawTcp();
    const result = await runCli({ ...options, protectedPorts: [...options.protectedPorts, exposedPort] });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(`${LOOPBACK}\\s+${exposedPort}\\s+protected port closed\\s+open\\s+FAIL`),
    );
    expect(result.stdout).toContain(`${LOOPBACK}:${exposedPort} protected port closed`);
  });

  it("catches a server that still accepts TLS 1.2", async () => {
    const options = await safeHostOptions();
    const httpsPort = await host.tls(certificate, "TLSv1.2");
    const result = await runCli({ ...options, httpsPort });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/TLS 1\.2 refused\s+accepted \(TLSv1\.2\)\s+FAIL/);
  });

  it("catches a missing HTTP redirect and a closed 443", async () => {
    const options = await safeHostOptions();
    const findings = await verifyExposure({
      ...options,
      httpPort: await host.http(200, "https://ignored/"),
      httpsPort: await closedPort(),
    });
    const failed = findings.filter((finding) => finding.verdict === "FAIL").map((finding) => finding.check);
    expect(failed).toEqual(["TLS 1.3 accepted", "HTTP redirects to https://"]);
  });

  it("notes an open SSH port, and fails it with --ssh-must-be-closed", async () => {
    const options = await safeHostOptions();
    const sshPort = await host.rawTcp();
    const noted = await verifyExposure({ ...options, sshPort });
    expect(noted.find((finding) => finding.port === sshPort)?.verdict).toBe("note");
    const strict = await verifyExposure({ ...options, sshPort, sshMustBeClosed: true });
    expect(strict.find((finding) => finding.port === sshPort)?.verdict).toBe("FAIL");
  });
});

describe("verify-exposure helpers", () => {
  it("accepts only 3xx redirects to https://", () => {
    expect(describeRedirect({ status: 308, location: "https://a/" }).verdict).toBe("pass");
    expect(describeRedirect({ status: 302, location: "http://a/" }).verdict).toBe("FAIL");
    expect(describeRedirect({ status: 200 }).verdict).toBe("FAIL");
    expect(describeRedirect({ error: "ECONNREFUSED" }).observed).toContain("ECONNREFUSED");
  });

  it("reads edgeAddress from pulumi stack output --json", () => {
    expect(addressesFromStackOutputs('{"edgeAddress":"203.0.113.5","other":1}')).toEqual(["203.0.113.5"]);
    expect(addressesFromStackOutputs('{"edgeAddress":["203.0.113.5","2001:db8::5"]}')).toHaveLength(2);
    expect(addressesFromStackOutputs("{}")).toEqual([]);
  });
});
