// `npm run bench:provision`: median time from nothing to a ready environment - network (docker),
// database, 2 app replicas, front door, every replica healthy behind it - on docker and local.
// Usage: node test/bench/provision.ts [runs=5]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cell } from '../../harness/matrix/cell.ts';
import { loadMatrix } from '../../harness/matrix/load-matrix.ts';
import { platformFor } from '../../harness/platforms/index.ts';
import { dockerUnavailableReason } from '../../harness/platforms/docker/docker-runtime.ts';

const runs = Number(process.argv[2] ?? 5);
const root = join(import.meta.dirname, '..', '..');

/** One provisioning, timed until a request through the front door is answered by the installed version. */
async function provisionOnce(cell: Cell): Promise<number> {
  const logDir = await mkdtemp(join(tmpdir(), 'uh-bench-'));
  const started = performance.now();
  const env = await platformFor(cell.platform).provision(cell, { runId: `bench-${process.pid}`, logDir, signal: new AbortController().signal, event: () => undefined });
  try {
    await env.migrate(cell.from, 'pre');
    await env.migrate(cell.from, 'post');
    const replicas = await Promise.all([env.startReplica(cell.from), env.startReplica(cell.from)]);
    await env.frontDoor.setPool(replicas.map((replica) => ({ replica, weight: 1 })));
    for (let answered = 0; answered < 2; ) {
      const response = await fetch(env.trafficUrl + cell.scenario.endpoints.ready);
      await response.body?.cancel();
      if (response.status === 200) answered++;
    }
    return performance.now() - started;
  } finally {
    await env[Symbol.asyncDispose]();
    await rm(logDir, { recursive: true, force: true });
  }
}

async function bench(matrixFile: string): Promise<number[]> {
  const matrix = await loadMatrix(join(root, matrixFile));
  const cell = matrix.cells.find((c) => c.method === 'rolling')!;
  await provisionOnce(cell); // warm caches (images, binaries) once, not measured
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await provisionOnce(cell));
  return times;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const line = (name: string, times: number[]) =>
  `${name.padEnd(7)} median ${(median(times) / 1000).toFixed(2)} s over ${times.length} runs (${times.map((t) => (t / 1000).toFixed(2)).join(', ')})`;

console.log(`provision: network, database, 2 replicas, front door, all healthy; ${runs} runs each`);
const unavailable = await dockerUnavailableReason();
if (unavailable) console.log(`docker  skipped: no daemon answers (${unavailable.split('\n')[0]})`);
else console.log(line('docker', await bench('matrices/docker.yaml')));
console.log(line('local', await bench('matrices/quickstart.yaml')));
process.exit(0);
