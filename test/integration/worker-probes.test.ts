// The HTTP probes send from their own worker thread: records arrive on the runner's clock, and a
// runner whose event loop is blocked does not hold a single send back.
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningProbe } from '../../harness/traffic/probe.ts';
import { startProbesInWorker } from '../../harness/traffic/worker-probes.ts';
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts';

const RATE = 200;
let server: FaultServer;
let probes: RunningProbe[] = [];

beforeEach(async () => {
  server = await startFaultServer('1.0.0');
});
afterEach(async () => {
  await Promise.all(probes.map((probe) => probe.stop()));
  probes = [];
  await server.close();
});

const blockFor = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // the runner busy with something else (provisioning, a report): nothing else on this thread runs
  }
};

describe('probes in a worker thread', () => {
  it('deliver every request, on the runner clock, with the serving version', async () => {
    const before = performance.now();
    probes = await startProbesInWorker([{ kind: 'http', options: { baseUrl: server.url, endpoint: { method: 'GET', path: '/read' }, rate: RATE, timeoutMs: 2000 } }]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const [probe] = probes;
    const records = await probe!.stop();
    const after = performance.now();
    expect(probe!.name).toBe('http');
    // ~200 requests in a second (the open loop), every one of them shipped across
    expect(records.length).toBeGreaterThan(150);
    expect(probe!.stats().requests).toBe(records.length);
    let outside = 0;
    records.forEach((i) => {
      if (records.sentMs(i) < before || records.sentMs(i) > after || records.scheduledMs(i) > records.sentMs(i) + 0.001) outside++;
    });
    expect(outside).toBe(0);
    expect(records.versionName(records.versionIndex(0))).toBe('1.0.0');
  });

  it('keep their schedule while the runner thread is blocked', async () => {
    probes = await startProbesInWorker([{ kind: 'http', options: { baseUrl: server.url, endpoint: { method: 'GET', path: '/read' }, rate: RATE, timeoutMs: 2000 } }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const blockedFrom = performance.now();
    blockFor(1000);
    const blockedTo = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const records = await probes[0]!.stop();
    let during = 0;
    let worstLag = 0;
    records.forEach((i) => {
      if (records.scheduledMs(i) < blockedFrom || records.scheduledMs(i) > blockedTo) return;
      during++;
      worstLag = Math.max(worstLag, records.sentMs(i) - records.scheduledMs(i));
    });
    // Sent from the runner's own loop, every request due in the block would have left a second late.
    expect(during).toBeGreaterThan(100);
    expect(worstLag).toBeLessThan(500);
  });
});
