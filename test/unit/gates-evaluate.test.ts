import { describe, expect, it } from 'vitest';
import { evaluateGates } from '../../harness/gates/evaluate-gates.ts';
import { summarizeTraffic } from '../../harness/measure/summarize-traffic.ts';
import { storeOf } from './measure-helpers.ts';

// 10 requests, 2 failures in one 20 ms outage, p99 latency 900 ms
const traffic = summarizeTraffic(
  storeOf(Array.from({ length: 10 }, (_, k) => ({ at: k * 10, outcome: k === 3 || k === 4 ? ('reset' as const) : ('ok' as const), durationMs: k === 9 ? 900 : 5 }))),
  { fromMs: 0, toMs: 100, originMs: 0, phases: [] },
);
const integrity = { writesAcknowledged: 50, writesLost: 1, duplicates: 0 };

describe('evaluateGates', () => {
  it('passes at the threshold and fails past it, in the right direction for each gate', () => {
    const atLimit = evaluateGates({ failedRequests: 2, longestOutageMs: 20, availability: 0.8, p99LatencyMs: 900, lostWrites: 1 }, { traffic, integrity }, 'upgrade');
    expect(atLimit.map((g) => [g.name, g.actual, g.passed])).toEqual([
      ['failedRequests', 2, true],
      ['longestOutageMs', 20, true],
      ['availability', 0.8, true],
      ['p99LatencyMs', 900, true],
      ['lostWrites', 1, true],
    ]);
    const past = evaluateGates({ failedRequests: 1, longestOutageMs: 19, availability: 0.81, p99LatencyMs: 899, lostWrites: 0 }, { traffic, integrity }, 'rollback');
    expect(past.every((g) => !g.passed)).toBe(true);
    expect(past.every((g) => g.scope === 'rollback')).toBe(true);
    expect(past.map((g) => g.threshold)).toEqual([1, 19, 0.81, 899, 0]);
  });

  it('checks only the thresholds present', () => {
    const results = evaluateGates({ availability: 0.5 }, { traffic, integrity }, 'upgrade');
    expect(results).toEqual([{ name: 'availability', threshold: 0.5, actual: 0.8, passed: true, scope: 'upgrade' }]);
    expect(evaluateGates({}, { traffic, integrity }, 'upgrade')).toEqual([]);
  });

  it('skips lost writes when there is no write probe', () => {
    const results = evaluateGates({ lostWrites: 0, failedRequests: 5 }, { traffic, integrity: null }, 'upgrade');
    expect(results.map((g) => g.name)).toEqual(['failedRequests']);
  });

  it('a zero threshold fails on a single failure', () => {
    expect(evaluateGates({ failedRequests: 0 }, { traffic, integrity }, 'upgrade')[0]?.passed).toBe(false);
  });
});
