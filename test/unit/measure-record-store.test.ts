import { describe, expect, it } from 'vitest';
import { classifyError, classifyStatus, outcomeCode, outcomeName } from '../../harness/traffic/outcome.ts';
import { RecordStore } from '../../harness/traffic/record-store.ts';

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
    expect(store.bytesPerRecord()).toBeCloseTo((8 * 24) / 5);
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
