/** Extracts "3.248.0" from outputs such as "v3.248.0" or "v3.248.0-alpha.x". */
export function parseVersion(text: string): [number, number, number] | undefined {
  const match = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (match === null) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** True when `actual` is the same as or newer than `minimum` (both "X.Y.Z", optional leading v). */
export function isAtLeast(actual: string, minimum: string): boolean {
  const have = parseVersion(actual);
  const need = parseVersion(minimum);
  if (have === undefined || need === undefined) return false;
  for (let index = 0; index < 3; index += 1) {
    const difference = (have[index] ?? 0) - (need[index] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
}
