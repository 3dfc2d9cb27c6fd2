// `npm run bench:provision`: median time from nothing to a ready environment with version N
// installed - database, 2 app replicas, front door, every replica healthy behind it - on docker and
// local; and on the rig (a real control plane, kwok nodes), from nothing to a ready namespace with
// the database, migrations and 2 ready pods behind the Service.
// Usage: node test/bench/provision.ts [runs=5]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cell } from '../../harness/matrix/cell.ts';
import { loadMatrix } from '../../harness/matrix/load-matrix.ts';
import type { MethodContext } from '../../harness/methods/upgrade-method.ts';
import { dockerUnavailableReason } from '../../harness/platforms/docker/docker-runtime.ts';
import { platformFor } from '../../harness/platforms/index.ts';
import { provisionContext } from '../support/provision-context.ts';
import { binariesPresent } from '../rig/build-binaries.ts';
import { startRig } from '../rig/rig-api.ts';

const runs = Number(process.argv[2] ?? 5);
const root = join(import.meta.dirname, '..', '..');

/** One provisioning and install of `from`, timed until the platform says it serves (and the front door answers, where there is one). */
async function provisionOnce(cell: Cell): Promise<number> {
  const logDir = await mkdtemp(join(tmpdir(), 'uh-bench-'));
  await using context = provisionContext(`bench-${process.pid}`, logDir);
  const started = performance.now();
  const env = await platformFor(cell.platform).provision(cell, context);
  try {
    const methodContext: MethodContext = { cell, signal: context.signal, event: () => undefined, checkGates: () => [], hold: async () => {} };
    await env.install(cell.from, methodContext);
    for (let answered = 0; env.trafficUrl && answered < 2; ) {
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
if (!(await binariesPresent())) console.log('rig     skipped: the rig binaries are not built (npm run rig -- build)');
else {
  const rigDir = await mkdtemp(join(tmpdir(), 'uh-bench-rig-'));
  await using rig = await startRig(rigDir);
  process.env.KUBECONFIG = rig.kubeconfig;
  console.log(line('rig', await bench('matrices/kubernetes.yaml')));
}
process.exit(0);
