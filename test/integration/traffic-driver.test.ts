import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { summarizeTraffic } from '../../harness/measure/summarize-traffic.ts';
import { outcomeName } from '../../harness/traffic/outcome.ts';
import type { RecordStore } from '../../harness/traffic/record-store.ts';
import { startHttpProbe } from '../../harness/traffic/http-probe.ts';
import type { RunningProbe } from '../../harness/traffic/probe.ts';
import { startFaultServer, type FaultMode, type FaultServer } from '../fixtures/fault-server.ts';

const RATE = 300;

let server: FaultServer;
let traffic: RunningProbe | undefined;

beforeEach(async () => {
  server = await startFaultServer('1.0.0');
});
afterEach(async () => {
  await traffic?.stop();
  traffic = undefined;
  await server.close();
});

function start(timeoutMs = 2000): RunningProbe {
  traffic = startHttpProbe({ baseUrl: server.url, endpoint: { method: 'GET', path: '/read' }, rate: RATE, timeoutMs });
  return traffic;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function rows(records: RecordStore): { sent: number; scheduled: number; outcome: string; duration: number }[] {
  const out: { sent: number; scheduled: number; outcome: string; duration: number }[] = [];
  records.forEach((i) => out.push({ sent: records.sentMs(i), scheduled: records.scheduledMs(i), outcome: outcomeName(records.outcome(i)), duration: records.durationMs(i) }));
  return out.sort((a, b) => a.sent - b.sent);
}

/**
 * Healthy traffic, then the fault for at least `failuresWanted` failures, then healthy again.
 * Requests in flight at each switch may land on either side of it (the server may read them
 * after the switch however long ago they were sent, e.g. when the machine stalls), so the
 * assertions bound the edges by those counts rather than by a time margin.
 */
async function injectFault(mode: FaultMode, failuresWanted: number, timeoutMs?: number) {
  const running = start(timeoutMs);
  await waitFor('warm-up traffic', () => running.stats().requests >= 60);
  const inFlightAtStart = running.stats().inFlight;
  const faultStart = performance.now();
  await server.setMode(mode);
  await waitFor(`${failuresWanted} failures`, () => running.stats().failures >= failuresWanted);
  await server.setMode('ok');
  const faultEnd = performance.now();
  const inFlightAtEnd = running.stats().inFlight;
  const okBefore = running.stats().requests - running.stats().failures;
  await waitFor('recovery', () => running.stats().requests - running.stats().failures >= okBefore + 60);
  const records = await running.stop();
  return { records, fault: { start: faultStart, end: faultEnd, inFlightAtStart, inFlightAtEnd } };
}

interface InjectedFault {
  start: number;
  end: number;
  inFlightAtStart: number;
  inFlightAtEnd: number;
}

function assertOutageCovers(records: RecordStore, fault: InjectedFault) {
  const all = rows(records);
  const failed = (r: { outcome: string }) => r.outcome !== 'ok';
  const firstAfterStart = all.findIndex((r) => r.sent > fault.start);
  const firstAfterEnd = all.findIndex((r) => r.sent > fault.end);
  expect(firstAfterEnd).toBeGreaterThan(firstAfterStart);
  // Before the fault, only requests still in flight at the switch may have failed; after it, none.
  expect(all.slice(0, firstAfterStart).filter(failed).length).toBeLessThanOrEqual(fault.inFlightAtStart);
  expect(all.slice(firstAfterEnd).filter(failed)).toEqual([]);
  // During the fault every request failed, bar those still in flight when it ended.
  const during = all.slice(firstAfterStart, firstAfterEnd);
  expect(during.filter((r) => !failed(r)).length).toBeLessThanOrEqual(fault.inFlightAtEnd);

  // Outage offsets are rounded to microseconds: compare with that much play.
  const us = 0.001;
  const summary = summarizeTraffic(records, { fromMs: 0, toMs: performance.now(), originMs: 0, phases: [] });
  const touching = summary.outages.filter((o) => o.endMs >= fault.start - us && o.startMs <= fault.end + us);
  const first = touching[0];
  const last = touching[touching.length - 1];
  expect(first && last, JSON.stringify({ fault, outages: summary.outages })).toBeTruthy();
  // The outage opens with the first failure: no later than the first request sent into the
  // fault, no earlier than the requests in flight at the switch.
  expect(first!.startMs).toBeLessThanOrEqual(all[firstAfterStart]!.sent + us);
  expect(first!.startMs).toBeGreaterThanOrEqual(all[Math.max(0, firstAfterStart - fault.inFlightAtStart)]!.sent - us);
  // It closes with the first success: at the latest the first request sent after the fault.
  expect(last!.endMs).toBeLessThanOrEqual(all[firstAfterEnd]!.sent + us);
  expect(touching.length).toBeLessThanOrEqual(1 + fault.inFlightAtEnd);
  const elsewhere = summary.outages.filter((o) => !touching.includes(o));
  expect(elsewhere.reduce((n, o) => n + o.failures, 0)).toBeLessThanOrEqual(fault.inFlightAtStart);
  return summary;
}

describe('traffic driver against a fault-injection server', { timeout: 30_000 }, () => {
  it('records a healthy run without failure, on an open-loop schedule', async () => {
    const running = start();
    await waitFor('100 requests', () => running.stats().requests >= 100);
    const records = await running.stop();
    expect(running.stats()).toMatchObject({ failures: 0, inFlight: 0 });
    expect(records.length).toBe(server.requestsReceived);
    const all = rows(records);
    expect(all.every((r) => r.outcome === 'ok' && r.sent >= r.scheduled && r.duration >= 0)).toBe(true);
    // Request i was scheduled at t0 + i * 1000 / rate. The store keeps the schedule as a float32 lag
    // behind the send time: exact to well under a microsecond for lags below a second or so, so a
    // microsecond is the honest tolerance (a loaded machine's long lags use up more of the float).
    const scheduled = all.map((r) => r.scheduled).sort((a, b) => a - b);
    scheduled.forEach((t, i) => expect(Math.abs(t - scheduled[0]! - (i * 1000) / RATE)).toBeLessThan(0.001));
    const summary = summarizeTraffic(records, { fromMs: 0, toMs: performance.now(), originMs: 0, phases: [] });
    expect(summary).toMatchObject({ failures: 0, availability: 1, outages: [], requestsByVersion: { '1.0.0': records.length } });
  });

  it('measures an outage of 503 answers', async () => {
    const { records, fault } = await injectFault('error503', 60);
    const summary = assertOutageCovers(records, fault);
    expect(Object.keys(summary.failuresByClass)).toEqual(['http-5xx']);
    expect(summary.failuresByVersion).toEqual({ '1.0.0': summary.failures });
  });

  it('measures refused connections', async () => {
    const { records, fault } = await injectFault('refuse', 60);
    const summary = assertOutageCovers(records, fault);
    // Keep-alive sockets cut at the switch may surface as resets; new connections are refused.
    expect(summary.failuresByClass.refused ?? 0).toBeGreaterThan(summary.failures / 2);
    expect(Object.keys(summary.failuresByClass).every((c) => c === 'refused' || c === 'reset')).toBe(true);
    expect(summary.failuresByVersion).toEqual({ unknown: summary.failures });
  });

  it('measures reset connections', async () => {
    const { records, fault } = await injectFault('reset', 60);
    const summary = assertOutageCovers(records, fault);
    expect(Object.keys(summary.failuresByClass)).toEqual(['reset']);
  });

  it('times out requests to a server that hangs, and keeps sending meanwhile (open loop)', async () => {
    // Long enough that a loaded machine (this test's own server shares the process) still answers
    // healthy requests in time: under a busy suite an answer has taken 1.8 s.
    const timeoutMs = 3000;
    const { records, fault } = await injectFault('hang', 30, timeoutMs);
    const summary = assertOutageCovers(records, fault);
    expect(Object.keys(summary.failuresByClass)).toEqual(['timeout']);
    for (const r of rows(records).filter((r) => r.outcome === 'timeout')) expect(r.duration).toBeGreaterThanOrEqual(timeoutMs - 1);
  });

  it('attributes requests to the version that served them', async () => {
    const running = start();
    await waitFor('50 requests', () => running.stats().requests >= 50);
    const inFlightAtFirstSwitch = running.stats().inFlight;
    server.setVersion('2.0.0');
    const before = running.stats().requests;
    await waitFor('50 more requests', () => running.stats().requests >= before + 50);
    const inFlightAtSecondSwitch = running.stats().inFlight;
    server.setVersion(null);
    const before2 = running.stats().requests;
    await waitFor('20 more requests', () => running.stats().requests >= before2 + 20);
    const records = await running.stop();
    const summary = summarizeTraffic(records, { fromMs: 0, toMs: performance.now(), originMs: 0, phases: [] });
    expect(summary.requestsByVersion['1.0.0']).toBeGreaterThanOrEqual(50);
    // Answers completed after a switch carry the new version, bar requests already in flight.
    expect(summary.requestsByVersion['2.0.0']).toBeGreaterThanOrEqual(50 - inFlightAtFirstSwitch);
    expect(summary.requestsByVersion['unknown']).toBeGreaterThanOrEqual(20 - inFlightAtSecondSwitch);
    expect(Object.values(summary.requestsByVersion).reduce((a, b) => a + b, 0)).toBe(records.length);
  });

  it('stop() schedules nothing more and waits for every request in flight', async () => {
    await server.setMode('hang');
    const running = start(300);
    await waitFor('requests piling up unanswered', () => running.stats().inFlight >= 20);
    const received = () => server.requestsReceived;
    const records = await running.stop();
    expect(running.stats().inFlight).toBe(0);
    expect(records.length).toBeGreaterThanOrEqual(20);
    expect(rows(records).every((r) => r.outcome === 'timeout' && r.duration >= 299)).toBe(true);
    // Nothing leaves after stop: the count stays put while the event loop turns.
    const count = records.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(records.length).toBe(count);
    expect(received()).toBeLessThanOrEqual(count);
  });

  it('stop() is idempotent, and disposing stops', async () => {
    const running = start();
    await waitFor('10 requests', () => running.stats().requests >= 10);
    await running[Symbol.asyncDispose]();
    expect(running.stats().inFlight).toBe(0);
    const count = running.records.length;
    const [a, b] = await Promise.all([running.stop(), running.stop()]);
    expect(a).toBe(b);
    expect(a.length).toBe(count);
  });
});
