import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarizeTraffic } from '../../harness/measure/summarize-traffic.ts';
import { storeOf, type Row } from './measure-helpers.ts';

const outcomes = ['ok', 'ok', 'ok', 'reset', 'timeout', 'http-5xx', 'refused'] as const;
const rowArb = fc.record({
  at: fc.integer({ min: 0, max: 10_000 }),
  outcome: fc.constantFrom(...outcomes),
  durationMs: fc.integer({ min: 0, max: 3000 }),
  version: fc.constantFrom('1.0', '2.0', null),
  upstreamCause: fc.constantFrom(undefined, undefined, 'reset', 'refused', 'no-member'),
});
const windowArb = fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 })).map(([a, b]) => ({
  fromMs: Math.min(a, b),
  toMs: Math.max(a, b),
}));

describe('summary invariants', () => {
  it('outages lie within the window, never overlap, and sum to the downtime', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 200 }), windowArb, (rows: Row[], { fromMs, toMs }) => {
        const s = summarizeTraffic(storeOf(rows), { fromMs, toMs, originMs: 0, phases: [] });
        let previousEnd = -Infinity;
        let sum = 0;
        for (const o of s.outages) {
          expect(o.startMs).toBeGreaterThanOrEqual(fromMs);
          expect(o.endMs).toBeLessThanOrEqual(toMs);
          expect(o.startMs).toBeGreaterThanOrEqual(previousEnd);
          expect(o.durationMs).toBe(o.endMs - o.startMs);
          previousEnd = o.endMs;
          sum += o.durationMs;
        }
        expect(s.downtimeMs).toBe(sum);
        expect(s.downtimeMs).toBeLessThanOrEqual(toMs - fromMs);
        expect(s.longestOutageMs).toBeLessThanOrEqual(s.downtimeMs);
        expect(s.outages.reduce((n, o) => n + o.failures, 0)).toBe(s.failures);
      }),
    );
  });

  it('an all-ok stream has no outage and full availability', () => {
    fc.assert(
      fc.property(fc.array(rowArb.map((r) => ({ ...r, outcome: 'ok' as const })), { maxLength: 100 }), (rows) => {
        const s = summarizeTraffic(storeOf(rows), { fromMs: 0, toMs: 10_000, originMs: 0, phases: [] });
        expect(s.outages).toEqual([]);
        expect(s.downtimeMs).toBe(0);
        expect(s.availability).toBe(1);
      }),
    );
  });

  it('splits add up: phases, versions, classes, series', () => {
    const phases = [
      { name: 'a', startMs: 0, endMs: 3000 },
      { name: 'b', startMs: 2000, endMs: 6000 },
    ];
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 200 }), (rows) => {
        const s = summarizeTraffic(storeOf(rows), { fromMs: 0, toMs: 10_000, originMs: 0, phases });
        const total = (values: Record<string, number | undefined>) => Object.values(values).reduce<number>((a, b) => a + (b ?? 0), 0);
        expect(total(Object.fromEntries(Object.entries(s.byPhase).map(([k, v]) => [k, v.requests])))).toBe(s.requests);
        expect(total(Object.fromEntries(Object.entries(s.byPhase).map(([k, v]) => [k, v.failures])))).toBe(s.failures);
        expect(total(s.requestsByVersion)).toBe(s.requests);
        expect(total(s.failuresByVersion)).toBe(s.failures);
        expect(total(s.failuresByClass)).toBe(s.failures);
        // Only failures the front door explained are counted, in the cell and per outage alike.
        const explained = total(s.failuresByUpstreamCause ?? {});
        expect(explained).toBeLessThanOrEqual(s.failures);
        expect(s.outages.reduce((n, o) => n + total(o.upstreamCauses ?? {}), 0)).toBe(explained);
        expect(s.series.ok.reduce((a, b) => a + b, 0) + s.series.failed.reduce((a, b) => a + b, 0)).toBe(s.requests);
        expect(s.latencyMs.p50).toBeLessThanOrEqual(s.latencyMs.p95);
        expect(s.latencyMs.p95).toBeLessThanOrEqual(s.latencyMs.p99);
        expect(s.latencyMs.p99).toBeLessThanOrEqual(s.latencyMs.max);
      }),
    );
  });

  it('the push order (completion order) does not change the summary', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(rowArb, { selector: (r) => r.at, maxLength: 100 }).chain((rows) => fc.tuple(fc.constant(rows), fc.shuffledSubarray(rows, { minLength: rows.length }))),
        ([rows, shuffled]) => {
          const window = { fromMs: 0, toMs: 10_000, originMs: 0, phases: [] };
          expect(summarizeTraffic(storeOf(shuffled), window)).toEqual(summarizeTraffic(storeOf(rows), window));
        },
      ),
    );
  });
});
