// Throughput benchmark (npm run bench:throughput): the harness's driver at full speed against
// autocannon, same trivial server (its own process, canned responses: see the fixture), same connections, same duration, in one
// run. The driver runs closed loop through the probe's real request path (startHttpProbe with
// closedLoop, the lean client of http-client.ts) and records every request in its RecordStore.
// Rounds alternate which tool goes first. On a shared machine the load of other tenants drifts
// by a factor of two within a minute, so each round's two runs (seconds apart) are compared with
// each other, and the ratio printed is the median of those per-round ratios.
// Goals: ratio >= 1.0 while recording every request; <= 32 bytes per stored record.
import autocannon from 'autocannon';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHttpProbe } from '../../harness/traffic/http-probe.ts';
import { startFixtureProcess } from './fixture-process.ts';

const CONNECTIONS = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
const SERVER = fileURLToPath(new URL('../fixtures/canned-http-server.ts', import.meta.url));

/** CPU time this process spent per request (both tools run in it): steadier than req/s on a busy machine. */
async function cpuPerRequest<T extends { rate: number }>(run: () => Promise<T>): Promise<T & { cpuUs: number }> {
  const before = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(before);
  return { ...result, cpuUs: (used.user + used.system) / (result.rate * SECONDS) };
}

async function driver(url: string): Promise<{ rate: number; recorded: number; failures: number; bytesPerRecord: number }> {
  const probe = startHttpProbe({ baseUrl: url, endpoint: { method: 'GET', path: '/' }, rate: 1, timeoutMs: 5000, closedLoop: { concurrency: CONNECTIONS }, name: 'throughput' });
  const started = performance.now();
  await sleep(SECONDS * 1000);
  const records = await probe.stop();
  const elapsed = (performance.now() - started) / 1000;
  const { failures } = probe.stats();
  return { rate: records.length / elapsed, recorded: records.length, failures, bytesPerRecord: records.bytesPerRecord() };
}

async function cannon(url: string): Promise<{ rate: number; errors: number }> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
  return { rate: result.requests.total / (result.duration || SECONDS), errors: result.errors + result.timeouts + result.non2xx };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

async function main(): Promise<void> {
  await using server = await startFixtureProcess<{ id: number }, { type: string; port?: number; id?: number }>(SERVER);
  const url = `http://127.0.0.1:${server.hello.port}`;
  console.log(`trivial server ${url} (own process); ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds`);
  // Warm both up (JIT, connections) so that round 1 is not a cold start for either.
  await autocannon({ url, connections: CONNECTIONS, duration: 1 });
  const drivers: number[] = [];
  const cannons: number[] = [];
  const driverCpu: number[] = [];
  const cannonCpu: number[] = [];
  let bytes = 0;
  const ratios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 ? ['driver', 'autocannon'] : ['autocannon', 'driver'];
    for (const tool of order) {
      if (tool === 'driver') {
        const r = await cpuPerRequest(() => driver(url));
        drivers.push(r.rate);
        driverCpu.push(r.cpuUs);
        bytes = Math.max(bytes, r.bytesPerRecord);
        console.log(`round ${round} driver:     ${r.rate.toFixed(0).padStart(7)} req/s, ${r.cpuUs.toFixed(1)} us CPU/request  (${r.recorded} recorded, ${r.failures} failed, ${r.bytesPerRecord.toFixed(1)} bytes per stored record)`);
      } else {
        const r = await cpuPerRequest(() => cannon(url));
        cannons.push(r.rate);
        cannonCpu.push(r.cpuUs);
        console.log(`round ${round} autocannon: ${r.rate.toFixed(0).padStart(7)} req/s, ${r.cpuUs.toFixed(1)} us CPU/request  (${r.errors} errors)`);
      }
    }
    ratios.push((drivers.at(-1) ?? 0) / (cannons.at(-1) ?? 1));
  }
  const ours = median(drivers);
  const theirs = median(cannons);
  console.log(`driver median: ${ours.toFixed(0)} req/s, ${median(driverCpu).toFixed(1)} us CPU/request; autocannon median: ${theirs.toFixed(0)} req/s, ${median(cannonCpu).toFixed(1)} us CPU/request`);
  console.log(`bytes per stored record: ${bytes.toFixed(1)}`);
  console.log(`per-round ratios: ${ratios.map((r) => r.toFixed(2)).join(' ')}; ratio of the medians: ${(ours / theirs).toFixed(2)}`);
  console.log(`ratio vs autocannon: ${median(ratios).toFixed(2)}`);
}

await main();
