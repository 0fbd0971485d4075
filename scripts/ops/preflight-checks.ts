import { spacesCredentialProblems } from "../../infra/config/provider-credentials";
import { matchingCidrs } from "./cidr";
import type { CommandRunner } from "./command-runner";
import {
  booleanValue,
  OPTIONAL_SECRET_KEYS,
  type PulumiConfig,
  parsePulumiConfig,
  REQUIRED_SECRET_KEYS,
  stringList,
} from "./pulumi-config";
import { isAtLeast, parseVersion } from "./version";

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** What the operator should do; set on every failure. */
  fix?: string;
}

export interface PreflightEnvironment {
  run: CommandRunner;
  /** Resolves the operator's public address as the internet sees it. */
  lookupPublicAddress: () => Promise<string>;
  /** True when a file exists (used for the policy pack's installation). */
  fileExists: (path: string) => boolean;
  /** The environment `pulumi up` will run in (the provider reads Spaces credentials from it too). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface PreflightOptions {
  minPulumiVersion: string;
  /** Stack to check; undefined means the currently selected stack. */
  stack?: string;
  /** Operator address given on the command line; skips the lookup. */
  ip?: string;
  /** Paths where @pulumi/policy counts as installed for the policy pack. */
  policyPackageJsonPaths: readonly string[];
}

const pass = (name: string, detail: string): CheckResult => ({ name, ok: true, detail });
const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, ok: false, detail, fix });

const PULUMI_MISSING = "`pulumi` is not on PATH";
/** Only a missing CLI stops the checks that call it; a too-old one still answers them. */
const cliIsMissing = (result: CheckResult): boolean => !result.ok && result.detail === PULUMI_MISSING;

const stackArgs = (stack: string | undefined): string[] => (stack === undefined ? [] : ["--stack", stack]);

async function checkPulumiCli(run: CommandRunner, minimum: string): Promise<CheckResult> {
  const name = "pulumi CLI";
  const result = await run("pulumi", ["version"]);
  if (result.notFound === true || result.code !== 0) {
    return fail(
      name,
      PULUMI_MISSING,
      "install it: curl -fsSL https://get.pulumi.com | sh (then reopen the shell)",
    );
  }
  const version = result.stdout.trim();
  if (parseVersion(version) === undefined || !isAtLeast(version, minimum)) {
    return fail(
      name,
      `found ${version || "an unreadable version"}, need >= ${minimum}`,
      "upgrade: pulumi self-update (or your package manager)",
    );
  }
  return pass(name, `${version} (>= ${minimum})`);
}

async function checkLoggedIn(run: CommandRunner): Promise<CheckResult> {
  const name = "pulumi login";
  const result = await run("pulumi", ["whoami"]);
  if (result.code !== 0) {
    return fail(name, "not logged in to a Pulumi backend", "pulumi login (or export PULUMI_ACCESS_TOKEN)");
  }
  return pass(name, `logged in as ${result.stdout.trim()}`);
}

async function checkStackSelected(run: CommandRunner, stack: string | undefined): Promise<CheckResult> {
  const name = "stack selected";
  const result = await run("pulumi", ["stack", ...stackArgs(stack), "--show-name"]);
  const selected = result.stdout.trim();
  if (result.code !== 0 || selected === "") {
    return fail(name, "no stack selected", `pulumi stack select ${stack ?? "prod"}`);
  }
  return pass(name, selected);
}

/** Loads the stack's config without secret values; undefined when pulumi cannot give it. */
async function loadConfig(run: CommandRunner, stack: string | undefined): Promise<PulumiConfig | undefined> {
  const result = await run("pulumi", ["config", ...stackArgs(stack), "--show-secrets=false", "--json"]);
  if (result.code !== 0) return undefined;
  try {
    return parsePulumiConfig(result.stdout);
  } catch {
    return undefined;
  }
}

function checkSecrets(config: PulumiConfig): CheckResult {
  const name = "secrets set as secrets";
  const missing = REQUIRED_SECRET_KEYS.filter((key) => config[key] === undefined);
  const keys = [...REQUIRED_SECRET_KEYS, ...OPTIONAL_SECRET_KEYS];
  const inPlainText = keys.filter((key) => config[key] !== undefined && config[key]?.secret !== true);
  const problems = [
    ...missing.map((key) => `${key} is not set`),
    ...inPlainText.map((key) => `${key} is stored in plain text`),
  ];
  if (problems.length > 0) {
    const fixKey = missing[0] ?? inPlainText[0] ?? "titan:masterPassword";
    return fail(
      name,
      problems.join("; "),
      `for each key: pulumi config set --secret ${fixKey} (reads the value from stdin if you leave it out)`,
    );
  }
  return pass(name, `${REQUIRED_SECRET_KEYS.length} required secrets present and encrypted`);
}

/** The provider's Spaces credentials, without which `pulumi up` fails at the backup bucket. */
function checkSpacesCredentials(config: PulumiConfig, env: PreflightEnvironment): CheckResult {
  const name = "Spaces credentials for the backup bucket";
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [key, entry] of Object.entries(config)) {
    if (!key.startsWith("digitalocean:")) continue;
    // Without --show-secrets a secret entry has no value: its presence is what counts here.
    values[key] = entry.secret ? "[secret]" : (entry.value ?? "");
    if (entry.secret) secretKeys.add(key);
  }
  const problems = spacesCredentialProblems({ values, secretKeys, env: env.env ?? {} });
  const first = problems[0];
  if (first === undefined) return pass(name, "digitalocean:spacesAccessId and spacesSecretKey resolve");
  return fail(name, problems.map((p) => `${p.key} ${p.problem}`).join("; "), first.fix);
}

async function checkOperatorAddress(
  config: PulumiConfig,
  env: PreflightEnvironment,
  ip: string | undefined,
): Promise<CheckResult> {
  const name = "operator address in titan:sshAllowlist";
  const allowlist = stringList(config, "titan:sshAllowlist");
  if (allowlist === undefined || allowlist.length === 0) {
    return fail(
      name,
      "titan:sshAllowlist is empty or missing",
      "pulumi config set --path 'titan:sshAllowlist[0]' <your-ip>/32",
    );
  }
  let address = ip;
  if (address === undefined) {
    try {
      address = (await env.lookupPublicAddress()).trim();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return fail(
        name,
        `could not look up the public address (${reason})`,
        "pass it explicitly: --ip <your public address>",
      );
    }
  }
  let matches: string[];
  try {
    matches = matchingCidrs(address, allowlist);
  } catch {
    return fail(name, `"${address}" is not an IP address`, "pass a valid address: --ip 203.0.113.10");
  }
  if (matches.length === 0) {
    return fail(
      name,
      `${address} is not inside ${allowlist.join(", ")}`,
      `add it: pulumi config set --path 'titan:sshAllowlist[${allowlist.length}]' ${address}/32 (or connect from an allow-listed network)`,
    );
  }
  return pass(name, `${address} inside ${matches.join(", ")}`);
}

/**
 * The oldest OpenSSH client the deploy path works with: every connection after first contact
 * checks the host key pinned in state through KnownHostsCommand, which came in OpenSSH 8.5
 * (infra/builders/ssh-access.ts). An older ssh refuses the option and the Docker provider fails.
 */
const MIN_OPENSSH = { major: 8, minor: 5 } as const;

async function checkSshClient(run: CommandRunner): Promise<CheckResult> {
  const name = "OpenSSH client";
  const result = await run("ssh", ["-V"]);
  if (result.notFound === true) return fail(name, "ssh is not installed", "install the OpenSSH client");
  // ssh -V writes its version to stderr: "OpenSSH_9.6p1 Ubuntu-3ubuntu13, OpenSSL 3.0.13 …".
  const text = `${result.stderr}${result.stdout}`.trim();
  const m = /OpenSSH_(\d+)\.(\d+)/.exec(text);
  if (!m)
    return fail(name, `cannot read the version from '${text}'`, "install the OpenSSH client (8.5 or later)");
  const [major, minor] = [Number(m[1]), Number(m[2])];
  const ok = major > MIN_OPENSSH.major || (major === MIN_OPENSSH.major && minor >= MIN_OPENSSH.minor);
  if (!ok)
    return fail(
      name,
      `OpenSSH ${major}.${minor} has no KnownHostsCommand, which every connection to the droplets uses to check the host key pinned in state`,
      `install OpenSSH ${MIN_OPENSSH.major}.${MIN_OPENSSH.minor} or later (Ubuntu 22.04+, Debian 12+, macOS 12+ ship one)`,
    );
  return pass(
    name,
    `OpenSSH ${major}.${minor} (KnownHostsCommand needs ${MIN_OPENSSH.major}.${MIN_OPENSSH.minor}+)`,
  );
}

const HARDWARE_KEY_TYPES = /\((ED25519-SK|ECDSA-SK)\)\s*$/;

async function checkSshAgent(run: CommandRunner, requireHardwareKeys: boolean): Promise<CheckResult> {
  const name = "ssh-agent holds a key";
  const result = await run("ssh-add", ["-l"]);
  if (result.notFound === true) return fail(name, "ssh-add is not installed", "install OpenSSH client tools");
  if (result.code === 2)
    return fail(name, "no ssh-agent is reachable", 'start one: eval "$(ssh-agent)" && ssh-add');
  const keys = result.stdout.split("\n").filter((line) => line.trim() !== "");
  if (result.code !== 0 || keys.length === 0) {
    return fail(
      name,
      "the agent holds no key",
      "ssh-add (for a hardware key: ssh-add -K, or ssh-add ~/.ssh/id_ed25519_sk)",
    );
  }
  if (requireHardwareKeys && !keys.some((line) => HARDWARE_KEY_TYPES.test(line))) {
    return fail(
      name,
      "titan:requireHardwareKeys is true but the agent holds no ED25519-SK/ECDSA-SK key",
      "plug in the security key and ssh-add its sk key (ssh-keygen -t ed25519-sk creates one)",
    );
  }
  return pass(name, `${keys.length} key(s) loaded`);
}

function checkPolicyPack(fileExists: (path: string) => boolean, paths: readonly string[]): CheckResult {
  const name = "policy pack installed";
  const found = paths.find((path) => fileExists(path));
  if (found === undefined) {
    return fail(
      name,
      "@pulumi/policy is not installed for policy/",
      "npm ci (installs the policy workspace too)",
    );
  }
  return pass(name, `@pulumi/policy found at ${found}`);
}

const CONFIG_UNAVAILABLE_FIX = "fix the checks above, then: pulumi config --show-secrets=false --json";

/** Runs every check in order; later checks that need the stack's config fail with a pointer when it is unavailable. */
export async function runPreflight(
  env: PreflightEnvironment,
  options: PreflightOptions,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const cli = await checkPulumiCli(env.run, options.minPulumiVersion);
  results.push(cli);
  const cliPresent = !cliIsMissing(cli);
  if (cliPresent) {
    results.push(await checkLoggedIn(env.run));
    results.push(await checkStackSelected(env.run, options.stack));
  }
  const config = cliPresent ? await loadConfig(env.run, options.stack) : undefined;
  if (config === undefined) {
    results.push(fail("secrets set as secrets", "stack config unavailable", CONFIG_UNAVAILABLE_FIX));
    results.push(
      fail("Spaces credentials for the backup bucket", "stack config unavailable", CONFIG_UNAVAILABLE_FIX),
    );
    results.push(
      fail("operator address in titan:sshAllowlist", "stack config unavailable", CONFIG_UNAVAILABLE_FIX),
    );
  } else {
    results.push(checkSecrets(config));
    results.push(checkSpacesCredentials(config, env));
    results.push(await checkOperatorAddress(config, env, options.ip));
  }
  const requireHardwareKeys =
    config === undefined ? false : booleanValue(config, "titan:requireHardwareKeys");
  results.push(await checkSshClient(env.run));
  results.push(await checkSshAgent(env.run, requireHardwareKeys));
  results.push(checkPolicyPack(env.fileExists, options.policyPackageJsonPaths));
  return results;
}
