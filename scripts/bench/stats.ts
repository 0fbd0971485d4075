/** The middle value (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

/** `value / base`, rounded to two decimals: how many times slower than the base. */
export function ratio(value: number, base: number): number {
  if (base <= 0) throw new Error("ratio to a non-positive base");
  return Math.round((value / base) * 100) / 100;
}

/** Resources per second for `count` resources processed in `ms` milliseconds. */
export function perSecond(count: number, ms: number): number {
  if (ms <= 0) return Number.POSITIVE_INFINITY;
  return Math.round((count / ms) * 1000);
}
