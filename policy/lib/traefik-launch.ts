// What decides which static config Traefik runs with. Traefik takes its static config from the
// first source it finds: `--configFile`, else traefik.{toml,yaml,yml} in /etc/traefik, then
// $XDG_CONFIG_HOME, $HOME/.config and the working directory; otherwise from CLI flags or
// TRAEFIK_* environment variables. The file this pack checks only counts when it is the one
// loaded, so anything that could select another is refused.
import * as path from "node:path";
import type { Upload } from "./docker";
import { asArray, asText, type PropertyBag } from "./props";

/** Any file Traefik could take as its static config. */
export const STATIC_NAME = /(^|\/)traefik\.(ya?ml|toml)$/i;
/** Where this pack expects it: the first place Traefik searches. */
export const LOADED_STATIC = /^\/etc\/traefik\/traefik\.(ya?ml|toml)$/;

export interface StaticChoice {
  /** The upload judged as the static config (the one at the loaded path when there is one). */
  readonly chosen: Upload | undefined;
  readonly problems: string[];
}

export function chooseStatic(uploads: readonly Upload[]): StaticChoice {
  const statics = uploads
    .map((upload) => ({ upload, file: path.posix.resolve("/", upload.file) }))
    .filter((u) => STATIC_NAME.test(u.file));
  const problems: string[] = [];
  if (statics.length > 1) {
    problems.push(
      `${statics.length} static config files are uploaded (${statics.map((u) => u.file).join(", ")}); Traefik loads only one, by its own search order. Fix: upload exactly one, /etc/traefik/traefik.yml`,
    );
  }
  for (const moved of statics.filter((u) => !LOADED_STATIC.test(u.file))) {
    problems.push(
      `the static config is uploaded to ${moved.file}, not /etc/traefik/traefik.yml, so the file checked may not be the one Traefik loads. Fix: upload it to /etc/traefik/traefik.yml`,
    );
  }
  const chosen = statics.find((u) => LOADED_STATIC.test(u.file)) ?? statics[0];
  return { chosen: chosen?.upload, problems };
}

function texts(value: unknown): string[] {
  return asArray(value)
    .map(asText)
    .filter((s): s is string => s !== undefined);
}

export function launchProblems(props: PropertyBag): string[] {
  const problems: string[] = [];
  // Anywhere in an argument: a shell entrypoint can carry the flag inside one string.
  for (const arg of [...texts(props.entrypoints), ...texts(props.command)]) {
    if (/(^|[\s"'=])--?configfile\b/i.test(arg))
      problems.push(
        `'${arg}' points Traefik at another static config file than the one checked. Fix: remove --configFile; the static config lives at /etc/traefik/traefik.yml`,
      );
  }
  for (const env of texts(props.envs)) {
    const name = env.split("=")[0] ?? "";
    if (/^TRAEFIK_/i.test(name))
      problems.push(
        `environment variable ${name} sets static config outside the checked file. Fix: remove it and put the setting in /etc/traefik/traefik.yml`,
      );
  }
  return problems;
}
