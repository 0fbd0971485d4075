// Input guards shared by the builders. Builders fail closed: a value that could break out of the
// generated syntax (newline, quote, shell metacharacter) is rejected instead of escaped.

export function assertPattern(name: string, value: string, pattern: RegExp): string {
  if (!pattern.test(value)) {
    throw new Error(`${name}: invalid value ${JSON.stringify(value)} (must match ${pattern})`);
  }
  return value;
}

export function assertPort(name: string, port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name}: ${port} is not a TCP port`);
  }
  return port;
}

/** Absolute path without whitespace, quotes or shell/config metacharacters. */
export function assertPath(name: string, value: string): string {
  return assertPattern(name, value, /^\/[A-Za-z0-9._\-/]*$/);
}

/** DNS host name (no wildcard, no trailing dot). */
export const HOSTNAME_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Linux user name that is safe in sshd_config, cloud-init and shell. */
export const UNIX_USER_PATTERN = /^[a-z_][a-z0-9_-]{0,31}$/;
