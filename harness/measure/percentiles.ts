import type { LatencySummary } from '../results.ts';

/**
 * Nearest-rank percentile of ascending values: the smallest value with at least p% of the
 * values at or below it (rank ceil(p/100 * n)). It is always a latency that was observed,
 * never an interpolation between two. 0 when there are no values.
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
  return sorted[rank - 1] ?? 0;
}

/** Sorts the values in place and summarizes them. */
export function latencySummary(values: Float32Array | Float64Array): LatencySummary {
  values.sort();
  return {
    p50: roundMs(nearestRank(values, 50)),
    p95: roundMs(nearestRank(values, 95)),
    p99: roundMs(nearestRank(values, 99)),
    max: roundMs(values.length ? (values[values.length - 1] ?? 0) : 0),
  };
}

/** Microseconds are the finest resolution worth writing into results.json. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
