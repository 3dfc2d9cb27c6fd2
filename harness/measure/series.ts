import type { TrafficSeries } from '../results.ts';
import type { RecordStore } from '../traffic/record-store.ts';
import { nearestRank, roundMs } from './percentiles.ts';

const MAX_BUCKETS = 600;
const MIN_BUCKET_MS = 50;

/** Smallest "nice" width (1, 2, 2.5, 5 x 10^k ms, at least 50 ms) giving at most ~600 buckets over the span. */
export function defaultBucketMs(spanMs: number): number {
  const wanted = Math.max(MIN_BUCKET_MS, spanMs / MAX_BUCKETS);
  for (let magnitude = 10; ; magnitude *= 10) {
    for (const step of [1, 2, 2.5, 5, 10]) {
      const width = step * magnitude;
      if (width >= wanted) return width;
    }
  }
}

/**
 * Outcomes per time bucket for charts; bucket i covers [i*bucketMs, (i+1)*bucketMs) after
 * originMs, up to toMs. `order` must be in send order, so each bucket is a contiguous slice.
 */
export function buildSeries(records: RecordStore, order: Uint32Array, originMs: number, toMs: number, bucketMs?: number): TrafficSeries {
  const width = bucketMs && bucketMs > 0 ? bucketMs : defaultBucketMs(toMs - originMs);
  const count = toMs > originMs ? Math.ceil((toMs - originMs) / width) : 0;
  const ok = new Array<number>(count).fill(0);
  const failed = new Array<number>(count).fill(0);
  const latencyP95 = new Array<number>(count).fill(0);
  const scratch = new Float32Array(order.length);

  let k = 0;
  while (k < order.length) {
    const bucket = bucketOf(records.sentMs(order[k] ?? 0), originMs, width, count);
    if (bucket < 0) {
      k++;
      continue;
    }
    let n = 0;
    while (k < order.length) {
      const i = order[k] ?? 0;
      if (bucketOf(records.sentMs(i), originMs, width, count) !== bucket) break;
      if (records.failed(i)) failed[bucket] = (failed[bucket] ?? 0) + 1;
      else ok[bucket] = (ok[bucket] ?? 0) + 1;
      scratch[n++] = records.durationMs(i);
      k++;
    }
    latencyP95[bucket] = roundMs(nearestRank(scratch.subarray(0, n).sort(), 95));
  }
  return { bucketMs: width, ok, failed, latencyP95 };
}

/** -1 for records before the origin; the last bucket also takes a record sent exactly at toMs. */
function bucketOf(sentMs: number, originMs: number, width: number, count: number): number {
  if (sentMs < originMs || count === 0) return -1;
  return Math.min(count - 1, Math.floor((sentMs - originMs) / width));
}
