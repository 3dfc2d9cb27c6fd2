import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHUNK_ROWS } from '../../harness/traffic/chunked-column.ts';
import { classifyError, classifyStatus, outcomeCode, outcomeName } from '../../harness/traffic/outcome.ts';
import { RecordStore, ROW_BYTES } from '../../harness/traffic/record-store.ts';
import { upstreamCauses } from '../../harness/traffic/upstream-cause.ts';

describe('RecordStore', () => {
  it('keeps every column of every row across growth', () => {
    const store = new RecordStore(2);
    for (let i = 0; i < 1000; i++) {
      store.push(i * 5, i * 5 + 0.25, i / 4, i % 3 === 0 ? outcomeCode('timeout') : 0, i % 3 === 0 ? 0 : 200, i % 2 ? 'v2' : null);
    }
    expect(store.length).toBe(1000);
    expect(store.scheduledMs(999)).toBe(4995);
    expect(store.sentMs(999)).toBe(4995.25);
    expect(store.durationMs(998)).toBe(249.5);
    expect(outcomeName(store.outcome(999))).toBe('timeout');
    expect(store.failed(999)).toBe(true);
    expect(store.failed(998)).toBe(false);
    expect(store.status(998)).toBe(200);
    expect(store.versionName(store.versionIndex(1))).toBe('v2');
    expect(store.versionName(store.versionIndex(2))).toBeNull();
  });

  it('keeps the upstream cause beside the outcome without a byte more per row', () => {
    const store = new RecordStore();
    const pairs = Array.from({ length: 9 }, (_, outcome) => upstreamCauses.map((_, cause) => [outcome, cause] as const)).flat();
    for (const [outcome, cause] of pairs) store.push(0, 0, 1, outcome, 502, null, cause);
    store.push(0, 0, 1, 0, 200, null); // no cause given: none
    expect(pairs.map((_, i) => [store.outcome(i), store.upstreamCause(i)])).toEqual(pairs);
    expect(store.upstreamCause(pairs.length)).toBe(0);
    expect(ROW_BYTES).toBe(20);
    // A copied row keeps every column.
    const copy = new RecordStore();
    copy.pushRowOf(store, 7);
    expect([copy.outcome(0), copy.upstreamCause(0), copy.status(0)]).toEqual([...pairs[7]!, 502]);
  });

  it('interns versions into a small table', () => {
    const store = new RecordStore();
    store.push(0, 0, 1, 0, 200, 'a');
    store.push(1, 1, 1, 0, 200, 'b');
    store.push(2, 2, 1, 0, 200, 'a');
    expect(store.versionIndex(0)).toBe(store.versionIndex(2));
    expect(store.versionIndex(0)).not.toBe(store.versionIndex(1));
    expect(store.versionCount).toBe(3); // null, a, b
  });

  it('folds versions past the table end into one overflow entry', () => {
    const store = new RecordStore();
    for (let i = 0; i < 300; i++) store.push(i, i, 1, 0, 200, `v${i}`);
    expect(store.versionName(store.versionIndex(0))).toBe('v0');
    expect(store.versionName(store.versionIndex(253))).toBe('v253');
    expect(store.versionName(store.versionIndex(254))).toBe('(other versions)');
    expect(store.versionName(store.versionIndex(299))).toBe('(other versions)');
  });

  it('visits rows in push order and reports allocated bytes per row', () => {
    const store = new RecordStore(8);
    expect(store.bytesPerRecord()).toBe(0);
    for (let i = 0; i < 5; i++) store.push(i, i, 1, 0, 200, null);
    const seen: number[] = [];
    store.forEach((i) => seen.push(store.sentMs(i)));
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    // 8 rows allocated of 20 bytes each (capacity given), 5 used.
    expect(store.bytesPerRecord()).toBeCloseTo((8 * 20) / 5);
  });
});

describe('RecordStore chunked storage', () => {
  it('holds at most 30 bytes per row at every length (grown by half, then in fixed chunks)', () => {
    const store = new RecordStore();
    let worst = 0;
    for (let n = 1; n <= 3 * CHUNK_ROWS + 5; n++) {
      store.push(n, n, 1, 0, 200, null);
      worst = Math.max(worst, store.bytesPerRecord());
    }
    expect(worst).toBeLessThanOrEqual(30);
    expect(worst).toBeGreaterThan(20); // growth does leave some unused room
  });

  it('keeps every row exactly across the first array and the fixed chunks', () => {
    const store = new RecordStore();
    const n = 2 * CHUNK_ROWS + CHUNK_ROWS / 2;
    for (let i = 0; i < n; i++) store.push(i * 2 - 0.5, i * 2 + 1 / 3, i % 1000, i % 8, 100 + (i % 500), i % 7 === 0 ? `v${i % 3}` : null);
    for (const i of [0, CHUNK_ROWS - 1, CHUNK_ROWS, 2 * CHUNK_ROWS - 1, 2 * CHUNK_ROWS, n - 1]) {
      expect(store.sentMs(i)).toBe(i * 2 + 1 / 3);
      expect(store.scheduledMs(i)).toBeCloseTo(i * 2 - 0.5, 4);
      expect(store.durationMs(i)).toBe(i % 1000);
      expect(store.outcome(i)).toBe(i % 8);
      expect(store.status(i)).toBe(100 + (i % 500));
      expect(store.versionName(store.versionIndex(i))).toBe(i % 7 === 0 ? `v${i % 3}` : null);
    }
    expect(store.sentMs(n)).toBeNaN();
  });

  it('reads back what was pushed, for any rows and any initial capacity', () => {
    const row = fc.record({
      scheduled: fc.double({ min: 0, max: 1e7, noNaN: true }),
      lag: fc.double({ min: 0, max: 60_000, noNaN: true }),
      duration: fc.integer({ min: 0, max: 100_000 }),
      outcome: fc.integer({ min: 0, max: 7 }),
      status: fc.integer({ min: 0, max: 599 }),
      version: fc.option(fc.constantFrom('1.0.0', '2.0.0'), { nil: null }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(row, { maxLength: 300 }), (capacity, rows) => {
        const store = new RecordStore(capacity);
        rows.forEach((r) => store.push(r.scheduled, r.scheduled + r.lag, r.duration, r.outcome, r.status, r.version));
        expect(store.length).toBe(rows.length);
        rows.forEach((r, i) => {
          expect(store.sentMs(i)).toBe(r.scheduled + r.lag);
          // The schedule is kept as a float32 lag behind the send time: exact to well under 1 us.
          expect(Math.abs(store.scheduledMs(i) - r.scheduled)).toBeLessThan(0.005);
          expect([store.durationMs(i), store.outcome(i), store.status(i)]).toEqual([r.duration, r.outcome, r.status]);
          expect(store.versionName(store.versionIndex(i))).toBe(r.version);
        });
      }),
    );
  });
});

describe('outcome classification', () => {
  it('classifies HTTP statuses', () => {
    expect(outcomeName(classifyStatus(200))).toBe('ok');
    expect(outcomeName(classifyStatus(302))).toBe('ok');
    expect(outcomeName(classifyStatus(404))).toBe('http-4xx');
    expect(outcomeName(classifyStatus(503))).toBe('http-5xx');
    expect(outcomeName(classifyStatus(101))).toBe('other');
  });

  it('classifies network errors', () => {
    const err = (code: string, message = code) => Object.assign(new Error(message), { code });
    expect(outcomeName(classifyError(err('ECONNREFUSED')))).toBe('refused');
    expect(outcomeName(classifyError(err('ECONNRESET', 'socket hang up')))).toBe('reset');
    expect(outcomeName(classifyError(err('EPIPE')))).toBe('reset');
    expect(outcomeName(classifyError(new Error('socket hang up')))).toBe('reset');
    expect(outcomeName(classifyError(err('HPE_INVALID_CONSTANT', 'Parse Error')))).toBe('other');
  });
});
