import { CONFIG_NAMESPACE } from "./keys";

export interface ConfigProblem {
  /** Full key, e.g. `titan:sshAllowlist`, with a path suffix for list items: `titan:sshAllowlist[1]`. */
  key: string;
  /** What is wrong. Never contains a secret value. */
  problem: string;
  /** The offending value as text, or "[secret]" / "(missing)". */
  value: string;
  /** The command or edit that fixes it. */
  fix: string;
}

/** Raised when stack config is invalid; the program registers no resource after it. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      [
        `Invalid stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was deployed:`,
        ...problems.map((p) => `  - ${p.key}: ${p.problem} (value: ${p.value}). Fix: ${p.fix}`),
      ].join("\n"),
    );
    this.name = "ConfigError";
  }
}

export const fullKey = (key: string) => `${CONFIG_NAMESPACE}:${key}`;
