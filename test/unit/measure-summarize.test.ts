import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { summarizeTraffic, type SummaryWindow } from '../../harness/measure/summarize-traffic.ts';
import { storeFromPattern, storeOf } from './measure-helpers.ts';

const whole = (toMs: number, extra: Partial<SummaryWindow> = {}): SummaryWindow => ({ fromMs: 0, toMs, originMs: 0, phases: [], ...extra });

describe('outages', () => {
  it('runs from the send time of the first failure to the send time of the next success', () => {
    // sends at 0,10,...,90: failures at 30,40,50; next success at 60
    const summary = summarizeTraffic(storeFromPattern('...xxx....'), whole(100));
    expect(summary.outages).toHaveLength(1);
    expect(summary.outages[0]).toMatchObject({ startMs: 30, endMs: 60, durationMs: 30, failures: 3, causes: { reset: 3 } });
    expect(summary.downtimeMs).toBe(30);
    expect(summary.longestOutageMs).toBe(30);
  });

  it('a single failure is an outage up to the next send', () => {
    const summary = summarizeTraffic(storeFromPattern('..x..'), whole(50));
    expect(summary.outages.map((o) => [o.startMs, o.endMs])).toEqual([[20, 30]]);
  });

  it('closes an outage still open at the window end at the window end', () => {
    const summary = summarizeTraffic(storeFromPattern('..xxx'), whole(75));
    expect(summary.outages[0]).toMatchObject({ startMs: 20, endMs: 75, durationMs: 55, failures: 3 });
  });

  it('finds several outages and sums their durations', () => {
    const summary = summarizeTraffic(storeFromPattern('x..xx.xxx.'), whole(100));
    expect(summary.outages.map((o) => [o.startMs, o.endMs])).toEqual([
      [0, 10],
      [30, 50],
      [60, 90],
    ]);
    expect(summary.downtimeMs).toBe(60);
    expect(summary.longestOutageMs).toBe(30);
    expect(summary.failures).toBe(6);
  });

  it('orders by send time, not by completion: a slow failure sent early opens the outage', () => {
    const summary = summarizeTraffic(
      storeOf([
        { at: 0 },
        { at: 20 },
        { at: 30, outcome: 'reset' },
        { at: 10, outcome: 'timeout', durationMs: 100 }, // completes last, sent second
        { at: 40 },
      ]),
      whole(50),
    );
    expect(summary.outages).toHaveLength(2);
    expect(summary.outages[0]).toMatchObject({ startMs: 10, endMs: 20, causes: { timeout: 1 } });
    expect(summary.outages[1]).toMatchObject({ startMs: 30, endMs: 40, causes: { reset: 1 } });
  });

  it('reports offsets from the origin and ISO times from the monotonic clock', () => {
    const base = 5000;
    const summary = summarizeTraffic(storeFromPattern('.x.', base), { fromMs: base, toMs: base + 30, originMs: base - 1000, phases: [] });
    const outage = summary.outages[0];
    expect(outage).toMatchObject({ startMs: 1010, endMs: 1020 });
    expect(outage?.start).toBe(new Date(performance.timeOrigin + base + 10).toISOString());
    expect(outage?.end).toBe(new Date(performance.timeOrigin + base + 20).toISOString());
  });

  it('counts the classes of each outage', () => {
    const summary = summarizeTraffic(
      storeOf([{ at: 0, outcome: 'refused' }, { at: 1, outcome: 'refused' }, { at: 2, outcome: 'http-5xx' }, { at: 3 }]),
      whole(4),
    );
    expect(summary.outages[0]?.causes).toEqual({ refused: 2, 'http-5xx': 1 });
  });
});

describe('totals', () => {
  it('computes availability, and 1 with no requests', () => {
    expect(summarizeTraffic(storeFromPattern('.x..'), whole(40)).availability).toBe(0.75);
    const empty = summarizeTraffic(storeOf([]), whole(40));
    expect(empty).toMatchObject({ requests: 0, failures: 0, availability: 1, downtimeMs: 0, outages: [] });
    expect(empty.latencyMs).toEqual({ p50: 0, p95: 0, p99: 0, max: 0 });
  });

  it('takes nearest-rank percentiles over every request', () => {
    // durations 1..100: nearest rank p50 = 50, p95 = 95, p99 = 99
    const rows = Array.from({ length: 100 }, (_, k) => ({ at: k, durationMs: 100 - k }));
    expect(summarizeTraffic(storeOf(rows), whole(100)).latencyMs).toEqual({ p50: 50, p95: 95, p99: 99, max: 100 });
    // 10 values: p95 and p99 are both the 10th (rank ceil(9.5) = ceil(9.9) = 10), p50 the 5th
    const ten = Array.from({ length: 10 }, (_, k) => ({ at: k, durationMs: (k + 1) * 10 }));
    expect(summarizeTraffic(storeOf(ten), whole(10)).latencyMs).toEqual({ p50: 50, p95: 100, p99: 100, max: 100 });
    // failed requests count too: a timeout is latency a user felt
    const withTimeout = storeOf([{ at: 0, durationMs: 1 }, { at: 1, outcome: 'timeout', durationMs: 2000 }]);
    expect(summarizeTraffic(withTimeout, whole(2)).latencyMs.max).toBe(2000);
  });

  it('counts only records sent within the window, both ends included', () => {
    const summary = summarizeTraffic(storeFromPattern('xx.x.x.xx'), { fromMs: 20, toMs: 60, originMs: 0, phases: [] });
    // sends 20 . 30 x 40 . 50 x 60 .
    expect(summary.requests).toBe(5);
    expect(summary.failures).toBe(2);
    expect(summary.outages.map((o) => [o.startMs, o.endMs])).toEqual([
      [30, 40],
      [50, 60],
    ]);
  });

  it('splits by version and class; a missing version header is "unknown"', () => {
    const summary = summarizeTraffic(
      storeOf([
        { at: 0, version: '1.0' },
        { at: 1, version: '1.0', outcome: 'http-5xx' },
        { at: 2, version: null, outcome: 'refused' },
        { at: 3, version: '2.0' },
        { at: 4, version: '2.0', outcome: 'http-5xx' },
        { at: 5, version: null, outcome: 'refused' },
      ]),
      whole(6),
    );
    expect(summary.failuresByVersion).toEqual({ '1.0': 1, '2.0': 1, unknown: 2 });
    expect(summary.requestsByVersion).toEqual({ '1.0': 2, '2.0': 2, unknown: 2 });
    expect(summary.failuresByClass).toEqual({ 'http-5xx': 2, refused: 2 });
  });

  it('names what the front door saw upstream, beside the classes it leaves as they are', () => {
    const summary = summarizeTraffic(
      storeOf([
        { at: 0 },
        { at: 1, outcome: 'http-5xx', status: 502, upstreamCause: 'reset' },
        { at: 2, outcome: 'http-5xx', status: 502, upstreamCause: 'reset' },
        { at: 3, outcome: 'http-5xx', status: 503 }, // the app's own 503
        { at: 4 },
        { at: 5, outcome: 'http-5xx', status: 503, version: null, upstreamCause: 'no-member' },
        { at: 6, outcome: 'timeout' },
        { at: 7 },
      ]),
      whole(8),
    );
    expect(summary.failuresByClass).toEqual({ 'http-5xx': 4, timeout: 1 });
    expect(summary.failuresByUpstreamCause).toEqual({ reset: 2, 'no-member': 1 });
    expect(summary.outages.map((o) => [o.causes, o.upstreamCauses])).toEqual([
      [{ 'http-5xx': 3 }, { reset: 2 }],
      [{ 'http-5xx': 1, timeout: 1 }, { 'no-member': 1 }],
    ]);
  });
});

describe('phases', () => {
  const phases = [
    { name: 'warm-up', startMs: 0, endMs: 30 },
    { name: 'upgrade', startMs: 30, endMs: 60 },
    { name: 'verify', startMs: 60, endMs: 80 },
  ];

  it('attributes each request to the first phase containing its send time', () => {
    // sends 0..90 step 10; 30 and 60 lie on boundaries and go to the earlier phase; 90 is in none
    const summary = summarizeTraffic(storeFromPattern('....xx.x..'), { ...whole(100), phases });
    expect(summary.byPhase['warm-up']).toMatchObject({ requests: 4, failures: 0 });
    expect(summary.byPhase['upgrade']).toMatchObject({ requests: 3, failures: 2 });
    expect(summary.byPhase['verify']).toMatchObject({ requests: 2, failures: 1 });
    expect(summary.byPhase['unphased']).toMatchObject({ requests: 1, failures: 0 });
    expect(summary.outages.map((o) => o.phase)).toEqual(['upgrade', 'verify']);
  });

  it('lists phases without requests, and merges phases sharing a name', () => {
    const repeated = [
      { name: 'verify', startMs: 0, endMs: 9 },
      { name: 'idle', startMs: 10, endMs: 19 },
      { name: 'verify', startMs: 40, endMs: 60 },
    ];
    const rows = [{ at: 0, durationMs: 4 }, { at: 45, durationMs: 8, outcome: 'reset' as const }];
    const summary = summarizeTraffic(storeOf(rows), { ...whole(60), phases: repeated });
    expect(summary.byPhase['idle']).toEqual({ requests: 0, failures: 0, latencyMs: { p50: 0, p95: 0, p99: 0, max: 0 } });
    expect(summary.byPhase['verify']).toEqual({ requests: 2, failures: 1, latencyMs: { p50: 4, p95: 8, p99: 8, max: 8 } });
    expect(summary.byPhase['unphased']).toBeUndefined();
  });
});

describe('series', () => {
  it('buckets outcomes from the origin with the p95 latency of each bucket', () => {
    const rows = [
      { at: 0, durationMs: 5 },
      { at: 49, durationMs: 7, outcome: 'reset' as const },
      { at: 50, durationMs: 3 },
      { at: 149, durationMs: 9 },
    ];
    const summary = summarizeTraffic(storeOf(rows), { ...whole(150), bucketMs: 50 });
    expect(summary.series).toEqual({ bucketMs: 50, ok: [1, 1, 1], failed: [1, 0, 0], latencyP95: [7, 3, 9] });
  });

  it('chooses a bucket width of at least 50 ms and at most ~600 buckets', () => {
    expect(summarizeTraffic(storeOf([]), whole(1000)).series.bucketMs).toBe(50);
    const hour = summarizeTraffic(storeOf([{ at: 3_599_000 }]), whole(3_600_000)).series;
    expect(hour.ok.length).toBeLessThanOrEqual(600);
    expect(hour.ok.length).toBeGreaterThan(100);
    expect(hour.ok.reduce((a, b) => a + b, 0)).toBe(1);
  });
});
