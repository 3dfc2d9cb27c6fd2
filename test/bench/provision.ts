// `npm run bench:provision`: median time from nothing to a ready environment with version N
// installed - database, 2 app replicas, front door, every replica healthy behind it - on docker and
// local; and on the rig (a real control plane, kwok nodes), from nothing to a ready namespace with
// the database, migrations and 2 ready pods behind the Service; and one machine of platform vm
// (a container host booted with systemd; a QEMU VM with its own kernel), from nothing to a shell.
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
import { holdRunLease } from '../../harness/runner/run-lease.ts';
import { startCellNetwork } from '../../harness/platforms/docker/cell-network.ts';
import { dockerLabels } from '../../harness/platforms/docker/docker-labels.ts';
import { mustRun } from '../../harness/platforms/vm/machine.ts';
import { startContainerHost } from '../../harness/platforms/vm/machines/container-host.ts';
import { buildQemuImage, qemuImageStatus } from '../../harness/platforms/vm/machines/qemu-image.ts';
import { startQemuMachine } from '../../harness/platforms/vm/machines/qemu-machine.ts';
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
  `${name.padEnd(14)} median ${(median(times) / 1000).toFixed(2)} s over ${times.length} runs (${times.map((t) => (t / 1000).toFixed(2)).join(', ')})`;

/** One container host on a network of its own, timed from nothing to systemd's boot done and a command answered. */
async function containerHostOnce(): Promise<number> {
  const started = performance.now();
  const network = await startCellNetwork(dockerLabels(`bench-${process.pid}`, 'bench', 'network'));
  try {
    const machine = await startContainerHost({ name: 'bench-1', role: 'app', runId: `bench-${process.pid}`, cellId: 'bench', network: network.getName(), ports: [] });
    try {
      await mustRun(machine, ['uname', '-r']);
      return performance.now() - started;
    } finally {
      await machine.destroy();
    }
  } finally {
    await network.stop();
  }
}

/** One QEMU machine from the cached image, timed from nothing to a command answered over SSH. */
async function qemuMachineOnce(): Promise<number> {
  const logDir = await mkdtemp(join(tmpdir(), 'uh-bench-qemu-'));
  try {
    const started = performance.now();
    const image = await buildQemuImage();
    const machine = await startQemuMachine({ name: 'bench-1', role: 'app', runId: `bench-${process.pid}`, image, memoryMb: 1024, logFile: join(logDir, 'console.log') });
    try {
      await mustRun(machine, ['uname', '-r']);
      return performance.now() - started;
    } finally {
      await machine.destroy();
    }
  } finally {
    await rm(logDir, { recursive: true, force: true });
  }
}

async function timed(once: () => Promise<number>, count = runs): Promise<number[]> {
  await once(); // warm caches once, not measured
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await once());
  return times;
}

// Machines carry the bench's run id; a lease keeps a gc elsewhere from taking them for leftovers.
await using _lease = await holdRunLease(`bench-${process.pid}`);
console.log(`provision: network, database, 2 replicas, front door, all healthy; ${runs} runs each`);
const unavailable = await dockerUnavailableReason();
if (unavailable) console.log(`docker  skipped: no daemon answers (${unavailable.split('\n')[0]})`);
else {
  console.log(line('docker', await bench('matrices/docker.yaml')));
  console.log(line('container host', await timed(containerHostOnce)));
}
console.log(line('local', await bench('matrices/quickstart.yaml')));
if (!(await qemuImageStatus()).built) console.log('qemu machine   skipped: QEMU or its image is missing (npx upgrade-harness images build)');
else console.log(line('qemu machine', await timed(qemuMachineOnce, Math.min(runs, 3))));
if (!(await binariesPresent())) console.log('rig     skipped: the rig binaries are not built (npm run rig -- build)');
else {
  const rigDir = await mkdtemp(join(tmpdir(), 'uh-bench-rig-'));
  await using rig = await startRig(rigDir);
  process.env.KUBECONFIG = rig.kubeconfig;
  console.log(line('rig', await bench('matrices/kubernetes.yaml')));
}
process.exit(0);
