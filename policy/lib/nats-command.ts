// Which config file a NATS server container really loads, from its entrypoint and command the way
// Docker and nats-server read them. Judging an uploaded nats.conf proves nothing when the server
// is started with another file, with flags that override it (--auth, -m, --routes…), or with the
// image's default command, which loads the image's own config.
import * as path from "node:path";
import { asText, type PropertyBag } from "./props";

export interface ServerStart {
  /** Absolute path of the config file the server loads, when it can be told. */
  readonly configPath?: string;
  /** The image's default command runs: it loads one of the image's default config paths. */
  readonly imageDefault?: boolean;
  readonly problems: readonly string[];
}

const SERVER_BINARIES = new Set(["nats-server", "gnatsd"]);
const SERVER_IMAGES = new Set(["nats", "nats-server", "gnatsd"]);
// The official images: alpine runs docker-entrypoint.sh (which prepends nats-server to flags),
// scratch runs /nats-server directly.
const ENTRYPOINT_SCRIPT = "docker-entrypoint.sh";
// Go's flag package takes -name and --name alike, with the value after '=' or as the next argument.
const CONFIG_FLAG = /^--?(c|config)(=(.*))?$/s;

type Argv = string[] | undefined | "unreadable";

/** An argv list; a part that is not a literal string (an unknown output) makes it unreadable. */
function argv(value: unknown): Argv {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return "unreadable";
  return value.every((v): v is string => typeof v === "string") ? value : "unreadable";
}

const words = (list: Argv): string[] => (Array.isArray(list) ? list : []);

const basename = (program: string) => path.posix.basename(program);

/** The image's repository name without registry, tag or digest: `ghcr.io/x/nats:2@sha…` → `nats`. */
export function imageName(image: unknown): string {
  const ref = (asText(image) ?? "").split("@")[0] ?? "";
  const last = ref.split("/").pop() ?? "";
  return last.split(":")[0] ?? "";
}

/** A container that runs nats-server: by image, or by what its entrypoint or command runs. */
export function runsNatsServer(props: PropertyBag): boolean {
  if (SERVER_IMAGES.has(imageName(props.image))) return true;
  const all = [...words(argv(props.entrypoints)), ...words(argv(props.command))];
  return all.some((w) => w.split(/\s+/).some((part) => SERVER_BINARIES.has(basename(part))));
}

/** The arguments nats-server receives, or a problem when the program is not nats-server itself. */
function serverArguments(props: PropertyBag): { args?: string[]; imageDefault?: boolean; problem?: string } {
  const entrypoint = argv(props.entrypoints);
  const command = argv(props.command);
  if (entrypoint === "unreadable") return { problem: "the entrypoint is not a list of literal strings" };
  if (command === "unreadable") return { problem: "the command is not a list of literal strings" };
  // Docker drops the image's CMD when the container sets its own entrypoint.
  if (entrypoint && entrypoint.length > 0) {
    const [program = "", ...rest] = entrypoint;
    const args = [...rest, ...(command ?? [])];
    if (SERVER_BINARIES.has(basename(program))) return { args };
    if (basename(program) === ENTRYPOINT_SCRIPT) return viaEntrypointScript(args);
    return {
      problem: `the entrypoint runs '${program}', not nats-server, so which config it loads cannot be told`,
    };
  }
  if (!command || command.length === 0) return { imageDefault: true };
  return viaEntrypointScript(command);
}

/** The image's entrypoint (script or binary) with a command: flags go to nats-server as they are. */
function viaEntrypointScript(args: string[]): { args?: string[]; problem?: string } {
  const [first = ""] = args;
  if (args.length === 0 || first.startsWith("-")) return { args };
  if (SERVER_BINARIES.has(basename(first))) return { args: args.slice(1) };
  return { problem: `the command runs '${first}', not nats-server, so which config it loads cannot be told` };
}

/** How the container starts nats-server, and which config file that loads. */
export function serverStart(props: PropertyBag): ServerStart {
  const { args, imageDefault, problem } = serverArguments(props);
  if (problem) return { problems: [problem] };
  if (imageDefault) return { imageDefault: true, problems: [] };
  const problems: string[] = [];
  let config: string | undefined;
  const list = args ?? [];
  for (let i = 0; i < list.length; i++) {
    const arg = list[i] ?? "";
    if (arg === "--") {
      // Go's flag package stops at "--"; a word after it makes nats-server refuse to start.
      if (i + 1 < list.length) problems.push(`argument '${list[i + 1]}' after '--' is not a flag`);
      break;
    }
    const flag = CONFIG_FLAG.exec(arg);
    if (flag) {
      // The last config flag wins, as with Go's flag package.
      config = flag[2] !== undefined ? (flag[3] ?? "") : list[++i];
      if (config === undefined) problems.push(`'${arg}' has no path after it`);
      continue;
    }
    if (!arg.startsWith("-")) {
      // nats-server stops at a word that is not a flag ("unrecognized command") or, for
      // version/help, prints and exits: either way the flags after it are not what runs.
      problems.push(`argument '${arg}' is not a flag, so nats-server does not start as configured`);
      break;
    }
    problems.push(
      `flag '${arg}' overrides or adds to the checked config (listeners, monitor, auth). Fix: put every setting in the uploaded config`,
    );
    // Its value, if it takes one, is not another flag.
    if (!arg.includes("=") && i + 1 < list.length && !(list[i + 1] ?? "").startsWith("-")) i++;
  }
  if (config === undefined) {
    problems.push(
      "no --config flag: nats-server runs with its built-in defaults (no authentication, every interface). Fix: start it with --config and the uploaded config's path",
    );
    return { problems };
  }
  if (config.trim() === "") return { problems: [...problems, "the --config path is empty"] };
  if (path.posix.isAbsolute(config)) return { configPath: path.posix.normalize(config), problems };
  const workingDir = asText(props.workingDir);
  if (workingDir && path.posix.isAbsolute(workingDir))
    return { configPath: path.posix.resolve(workingDir, config), problems };
  return {
    problems: [
      ...problems,
      `the --config path '${config}' is relative and the working directory is the image's, which is not known here. Fix: give an absolute path`,
    ],
  };
}
