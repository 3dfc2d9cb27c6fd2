// The endpoints probe against a set of ready endpoints this test controls, measured by the same
// pipeline the runner uses (summarizeProbes -> summarizeTraffic -> findOutages): the outage it
// reports must be the one the test caused.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { summarizeProbes } from '../../harness/measure/summarize-probes.ts';
import { startEndpointsProbe } from '../../harness/platforms/kubernetes/endpoints-probe.ts';
import type { ReadyEndpoint } from '../../harness/platforms/kubernetes/namespace-watch.ts';
import type { RecordStore } from '../../harness/traffic/record-store.ts';

const RATE = 50;
const INTERVAL_MS = 1000 / RATE;
/** Event-loop delay between a timer's due time and its callback, on a busy two-core machine. */
const LOOP_SLACK_MS = 30;
const old: ReadyEndpoint = { address: '10.0.0.1', version: '1.0.0' };
const fresh: ReadyEndpoint = { address: '10.0.0.2', version: '1.1.0' };

/** The window must open before the probe starts: its first sample is taken at once. */
function summarize(records: RecordStore, fromMs: number, toMs: number) {
  return summarizeProbes([{ name: 'endpoints', records }], { fromMs, toMs, originMs: fromMs, phases: [] });
}

function rows(records: RecordStore): { failed: boolean; ready: number; version: string | null }[] {
  const all: { failed: boolean; ready: number; version: string | null }[] = [];
  records.forEach((i) => all.push({ failed: records.failed(i), ready: records.status(i), version: records.versionName(records.versionIndex(i)) }));
  return all;
}

describe('the endpoints probe', () => {
  it('measures an outage of known length within one sampling interval', async () => {
    let ready: readonly ReadyEndpoint[] = [old, fresh];
    const fromMs = performance.now();
    const probe = startEndpointsProbe({ rate: RATE, minReady: 1, readyEndpoints: () => ready });
    await sleep(200);
    // The clock is read before each switch and no sample can run in between (one thread), so
    // every sample sent after lostMs sees no endpoint and every one sent after backMs sees one.
    const lostMs = performance.now();
    ready = [];
    await sleep(400);
    const backMs = performance.now();
    ready = [fresh];
    await sleep(200);
    const records = await probe.stop();
    const summary = summarize(records, fromMs, performance.now());

    expect(summary.outages).toHaveLength(1);
    const outage = summary.outages[0]!;
    const truthMs = backMs - lostMs;
    // One sampling interval, plus the event-loop slack each end may have waited for its timer (as below).
    expect(Math.abs(outage.durationMs - truthMs), `measured ${outage.durationMs} ms, truth ${truthMs} ms`).toBeLessThanOrEqual(INTERVAL_MS + LOOP_SLACK_MS);
    // The first failed sample is the first one after the switch; the same for the first success after it.
    const startMs = outage.startMs + fromMs;
    const endMs = outage.endMs + fromMs;
    expect(startMs).toBeGreaterThanOrEqual(lostMs - 0.001);
    expect(startMs).toBeLessThanOrEqual(lostMs + INTERVAL_MS + LOOP_SLACK_MS);
    expect(endMs).toBeGreaterThanOrEqual(backMs - 0.001);
    expect(endMs).toBeLessThanOrEqual(backMs + INTERVAL_MS + LOOP_SLACK_MS);
    expect(outage.causes).toEqual({ 'no-endpoints': outage.failures });
    expect(summary.failures).toBe(outage.failures);
    expect(probe.stats().failures).toBe(outage.failures);
  });

  it('with minReady 2, a sample that sees one ready endpoint is a failure, two a success', async () => {
    let ready: readonly ReadyEndpoint[] = [old];
    const fromMs = performance.now();
    const probe = startEndpointsProbe({ rate: RATE, minReady: 2, readyEndpoints: () => ready });
    await sleep(150);
    ready = [old, fresh];
    await sleep(150);
    const records = await probe.stop();
    const summary = summarize(records, fromMs, performance.now());

    const all = rows(records);
    expect(all.some((row) => row.ready === 1) && all.some((row) => row.ready === 2)).toBe(true);
    // A sample records how many it saw (the status column): failed exactly when fewer than 2.
    for (const row of all) expect(row.failed, `a sample that saw ${row.ready}`).toBe(row.ready < 2);
    expect(summary.failuresByClass).toEqual({ 'no-endpoints': all.filter((row) => row.ready === 1).length });
    expect(summary.outages).toHaveLength(1);
  });

  it('successful samples name the versions of the ready endpoints in turn', async () => {
    const unlabelled: ReadyEndpoint = { address: '10.0.0.3', version: null };
    const fromMs = performance.now();
    const probe = startEndpointsProbe({ rate: RATE, minReady: 1, readyEndpoints: () => [old, fresh, unlabelled] });
    await sleep(300);
    const records = await probe.stop();
    const summary = summarize(records, fromMs, performance.now());

    const versions = rows(records).map((row) => row.version);
    expect(versions.length).toBeGreaterThanOrEqual(6);
    versions.forEach((version, i) => expect(version, `sample ${i}`).toBe([old.version, fresh.version, null][i % 3]));
    expect(summary.failures).toBe(0);
    expect(Object.keys(summary.requestsByVersion).sort()).toEqual(['1.0.0', '1.1.0', 'unknown']);
  });

  it('samples nothing more once stopped', async () => {
    const probe = startEndpointsProbe({ rate: RATE, minReady: 1, readyEndpoints: () => [old] });
    await sleep(100);
    const records = await probe.stop();
    const count = records.length;
    await sleep(5 * INTERVAL_MS);
    expect(count).toBeGreaterThan(0);
    expect(records.length).toBe(count);
  });
});
