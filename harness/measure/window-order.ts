import type { RecordStore } from '../traffic/record-store.ts';

/**
 * Indices of the records sent within [fromMs, toMs], in send order. The store holds rows in
 * completion order (a slow request lands after faster later ones), but outages are defined on
 * send order, so the rows are sorted when they are not already.
 */
export function recordsInWindow(records: RecordStore, fromMs: number, toMs: number): Uint32Array {
  let count = 0;
  for (let i = 0; i < records.length; i++) {
    const sent = records.sentMs(i);
    if (sent >= fromMs && sent <= toMs) count++;
  }
  const order = new Uint32Array(count);
  let k = 0;
  let sorted = true;
  for (let i = 0; i < records.length; i++) {
    const sent = records.sentMs(i);
    if (sent < fromMs || sent > toMs) continue;
    if (k > 0 && compare(records, order[k - 1] ?? 0, i) > 0) sorted = false;
    order[k++] = i;
  }
  if (!sorted) order.sort((a, b) => compare(records, a, b));
  return order;
}

/** Send time, then schedule (requests sent in one catch-up burst can share a timestamp). */
function compare(records: RecordStore, a: number, b: number): number {
  return records.sentMs(a) - records.sentMs(b) || records.scheduledMs(a) - records.scheduledMs(b) || a - b;
}
