// The runner's side of the probe worker: one worker thread per cell sends the HTTP probes'
// requests; here each probe is a RunningProbe whose records fill in as the worker ships them
// (every 100 ms), times moved onto this thread's monotonic clock.
import { Worker } from 'node:worker_threads';
import { InfrastructureError } from '../errors.ts';
import { siblingModule } from '../util/sibling-module.ts';
import type { Integrity } from '../results.ts';
import type { ProbeStats, RunningProbe } from './probe.ts';
import { RecordStore } from './record-store.ts';
import { ROW_NUMBERS, type ProbeSpec, type RunnerMessage, type WorkerMessage } from './worker-protocol.ts';

export async function startProbesInWorker(specs: ProbeSpec[]): Promise<RunningProbe[]> {
  if (specs.length === 0) return [];
  const worker = new Worker(siblingModule(import.meta.url, 'probe-worker'), { workerData: { specs } });
  let failure: Error | null = null;
  const started = await new Promise<{ timeOrigin: number; names: string[] }>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: WorkerMessage) => (message.type === 'started' ? resolve(message) : reject(new Error(`unexpected ${message.type}`))));
  }).catch((cause: unknown) => {
    void worker.terminate();
    throw new InfrastructureError(`the probe worker did not start: ${cause instanceof Error ? cause.message : String(cause)}`, { code: 'PROBE_WORKER', cause });
  });
  // The worker's performance.now() counts from its own start.
  const offset = started.timeOrigin - performance.timeOrigin;
  const stores = specs.map(() => new RecordStore());
  const stats: ProbeStats[] = specs.map(() => ({ requests: 0, failures: 0, inFlight: 0 }));
  const integrityReplies = new Map<number, { resolve: (integrity: Integrity) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let stoppedSignal: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stoppedSignal = resolve));

  worker.on('error', (error) => {
    failure = error;
    stoppedSignal();
  });
  worker.on('exit', () => stoppedSignal());
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'records') {
      for (const batch of message.batches) {
        const store = stores[batch.probe]!;
        for (let k = 0, row = 0; k < batch.rows.length; k += ROW_NUMBERS, row++) {
          const r = batch.rows;
          store.push(r[k]! + offset, r[k + 1]! + offset, r[k + 2]!, r[k + 3]!, r[k + 4]!, batch.versions[row] ?? null, r[k + 5]!);
        }
        stats[batch.probe] = { ...batch.stats, requests: store.length };
      }
    } else if (message.type === 'stopped') {
      stoppedSignal();
    } else if (message.type === 'integrity') {
      const reply = integrityReplies.get(message.id);
      integrityReplies.delete(message.id);
      if (message.integrity) reply?.resolve(message.integrity);
      else reply?.reject(new InfrastructureError(`the write ledger could not be read back: ${message.error}`, { code: 'LEDGER' }));
    }
  });

  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> => {
    stopping ??= (async () => {
      worker.postMessage({ type: 'stop' } satisfies RunnerMessage);
      await stopped;
      await worker.terminate();
      if (failure) throw new InfrastructureError(`the probe worker failed: ${(failure as Error).message}`, { code: 'PROBE_WORKER', cause: failure });
    })();
    return stopping;
  };

  return specs.map((spec, index): RunningProbe => ({
    name: started.names[index]!,
    records: stores[index]!,
    stats: () => stats[index]!,
    stop: async () => {
      await stopAll();
      return stores[index]!;
    },
    ...(spec.kind === 'write-ledger'
      ? {
          checkIntegrity: () =>
            new Promise<Integrity>((resolve, reject) => {
              if (failure || stopping) return reject(new InfrastructureError('the write ledger is gone: traffic already stopped', { code: 'LEDGER' }));
              const id = nextId++;
              integrityReplies.set(id, { resolve, reject });
              worker.postMessage({ type: 'integrity', id, probe: index } satisfies RunnerMessage);
            }),
        }
      : {}),
    [Symbol.asyncDispose]: () => stopAll(),
  }));
}
