import { execFile } from "node:child_process";

/** What a finished command left behind. `code` is null when it could not start (e.g. not installed). */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started at all (ENOENT: not on PATH). */
  notFound?: boolean;
}

/** Runs one program with arguments, never through a shell. Tests inject a fake. */
export type CommandRunner = (program: string, args: readonly string[]) => Promise<CommandResult>;

const COMMAND_TIMEOUT_MS = 60_000;

export const runCommand: CommandRunner = (program, args) =>
  new Promise((resolve) => {
    execFile(
      program,
      [...args],
      { timeout: COMMAND_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ code: 0, stdout, stderr });
          return;
        }
        const errno = (error as NodeJS.ErrnoException).code;
        if (errno === "ENOENT") {
          resolve({ code: null, stdout, stderr, notFound: true });
          return;
        }
        resolve({ code: typeof error.code === "number" ? error.code : 1, stdout, stderr });
      },
    );
  });
