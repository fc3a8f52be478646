// Timing helpers: a monotonic clock in milliseconds and nearest-rank percentiles.

export const now = () => performance.now();

/** Nearest-rank percentile (p in 0..100) of the samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const median = (samples: readonly number[]) => percentile(samples, 50);

/** Milliseconds with a precision that suits the size: 0.042, 1.23, 12.3, 123. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value < 1) return value.toFixed(3);
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return value.toFixed(0);
}
