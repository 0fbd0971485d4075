import type { CommandResult, CommandRunner } from "../../../scripts/ops/command-runner";

export type Script = Record<string, Partial<CommandResult>>;

/** A runner answering from a table keyed by "program arg1 arg2"; unknown commands are "not found". */
export function fakeRunner(script: Script): CommandRunner & { calls: string[] } {
  const calls: string[] = [];
  const runner = async (program: string, args: readonly string[]): Promise<CommandResult> => {
    const key = [program, ...args].join(" ");
    calls.push(key);
    const answer = script[key];
    if (answer === undefined) return { code: null, stdout: "", stderr: "", notFound: true };
    return { code: 0, stdout: "", stderr: "", ...answer };
  };
  return Object.assign(runner, { calls });
}
