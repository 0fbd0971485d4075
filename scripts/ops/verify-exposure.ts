import { Command, InvalidArgumentError } from "commander";
import { runCommand } from "./command-runner";
import { hasFailures, PROTECTED_PORTS, renderFindings, verifyExposure } from "./exposure-report";
import { addressesFromStackOutputs } from "./stack-outputs";

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new InvalidArgumentError(`"${value}" is not a port`);
  return port;
}

function parseTimeout(value: string): number {
  const milliseconds = Number(value);
  if (!Number.isInteger(milliseconds) || milliseconds < 1 || milliseconds > 60_000) {
    throw new InvalidArgumentError(`"${value}" is not a timeout between 1 and 60000 ms`);
  }
  return milliseconds;
}

const parsePortList = (value: string): number[] => value.split(",").map((part) => parsePort(part.trim()));
const collect = (value: string, previous: string[]): string[] => [...previous, value];

interface CliOptions {
  host: string[];
  stack?: string;
  protectedPorts: number[];
  sshPort: number;
  sshMustBeClosed: boolean;
  httpsPort: number;
  httpPort: number;
  timeoutMs: number;
  servername?: string;
}

async function resolveHosts(options: CliOptions): Promise<string[]> {
  if (options.host.length > 0) return options.host;
  const args = [
    "stack",
    "output",
    "--json",
    ...(options.stack === undefined ? [] : ["--stack", options.stack]),
  ];
  const result = await runCommand("pulumi", args);
  if (result.code !== 0)
    throw new Error(`pulumi ${args.join(" ")} failed: ${result.stderr.trim() || "pulumi not found"}`);
  return addressesFromStackOutputs(result.stdout);
}

async function main(): Promise<void> {
  const program = new Command()
    .name("verify-exposure")
    .description(
      "From outside, checks that a deployed stack exposes only 80 (redirect), 443 (TLS 1.3) and allow-listed SSH.",
    )
    .option(
      "--host <address>",
      "public address to probe (repeatable; default: edgeAddress from pulumi stack output)",
      collect,
      [],
    )
    .option("--stack <name>", "stack whose outputs give the addresses")
    .option("--protected-ports <list>", "comma-separated ports that must not answer", parsePortList, [
      ...PROTECTED_PORTS,
    ])
    .option("--ssh-port <port>", "SSH port (reported; answers only from allow-listed sources)", parsePort, 22)
    .option(
      "--ssh-must-be-closed",
      "fail when SSH answers (run from a network outside the allow-list)",
      false,
    )
    .option("--https-port <port>", "HTTPS port", parsePort, 443)
    .option("--http-port <port>", "plain HTTP port that must redirect", parsePort, 80)
    .option("--timeout-ms <ms>", "per-connection timeout", parseTimeout, 3_000)
    .option("--servername <name>", "TLS SNI name and HTTP Host header (the stack's titan:domain)")
    .parse();
  const options = program.opts<CliOptions>();
  const hosts = await resolveHosts(options);
  if (hosts.length === 0)
    throw new Error("no address to probe: pass --host or export edgeAddress from the stack");
  const findings = await verifyExposure({ ...options, hosts });
  console.log(renderFindings(findings));
  const failed = findings.filter((finding) => finding.verdict === "FAIL");
  console.log(
    hasFailures(findings)
      ? `\nverify-exposure: ${failed.length} problem(s): ${failed.map((finding) => `${finding.host}:${finding.port} ${finding.check}`).join("; ")}`
      : "\nverify-exposure: nothing exposed beyond 80 (redirect), 443 (TLS 1.3 only) and SSH",
  );
  process.exitCode = hasFailures(findings) ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(`verify-exposure: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
});
