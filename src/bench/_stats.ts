/** Figures over a bench's rounds: the middle one and how far they spread. */

/** The middle value, the mean of the two middle ones for an even count; NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median with the lowest and highest value, so a reader sees how far the rounds agree. */
export function spread(values: readonly number[]): { median: number; min: number; max: number } {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * The rate of a side measured right before and right after the one compared with it, as if measured
 * at the same time: the count over the mean of the two durations (the harmonic mean of the rates),
 * so a load that rose or fell during the round tilts the ratio far less than one measurement would.
 */
export function bracketed(before: number, after: number): number {
  return 2 / (1 / before + 1 / after);
}
