// The worker thread the HTTP probes send from: its own event loop, so nothing the runner does
// (provisioning, migrations, log streaming, report writing) can delay a scheduled send. It runs the
// same probe code as ever and ships new records to the runner every 100 ms, with its clock's
// offset so every time lands on the runner's monotonic clock.
import { parentPort, workerData } from 'node:worker_threads';
import type { RunningProbe } from './probe.ts';
import { startHttpProbe } from './http-probe.ts';
import { startWriteLedger } from './write-ledger.ts';
import { ROW_NUMBERS, type ProbeSpec, type WorkerMessage, type RunnerMessage, type RecordBatch } from './worker-protocol.ts';

const FLUSH_MS = 100;
const port = parentPort!;
const specs = (workerData as { specs: ProbeSpec[] }).specs;

const probes: RunningProbe[] = specs.map((spec) => (spec.kind === 'write-ledger' ? startWriteLedger(spec.options) : startHttpProbe(spec.options)));
const shipped = probes.map(() => 0);

function batchOf(index: number): RecordBatch {
  const { records } = probes[index]!;
  const from = shipped[index]!;
  const to = records.length;
  shipped[index] = to;
  const rows = new Float64Array((to - from) * ROW_NUMBERS);
  const versions: (string | null)[] = [];
  for (let i = from, k = 0; i < to; i++, k += ROW_NUMBERS) {
    rows[k] = records.scheduledMs(i);
    rows[k + 1] = records.sentMs(i);
    rows[k + 2] = records.durationMs(i);
    rows[k + 3] = records.outcome(i);
    rows[k + 4] = records.status(i);
    rows[k + 5] = records.upstreamCause(i);
    versions.push(records.versionName(records.versionIndex(i)));
  }
  return { probe: index, rows, versions, stats: probes[index]!.stats() };
}

function flush(): void {
  const batches = probes.map((_, index) => batchOf(index));
  const message: WorkerMessage = { type: 'records', batches };
  port.postMessage(message, batches.map((batch) => batch.rows.buffer as ArrayBuffer));
}

const timer = setInterval(flush, FLUSH_MS);

port.on('message', async (message: RunnerMessage) => {
  if (message.type === 'stop') {
    clearInterval(timer);
    await Promise.all(probes.map((probe) => probe.stop()));
    flush();
    port.postMessage({ type: 'stopped' } satisfies WorkerMessage);
  } else if (message.type === 'integrity') {
    try {
      const integrity = await probes[message.probe]!.checkIntegrity!();
      port.postMessage({ type: 'integrity', id: message.id, integrity } satisfies WorkerMessage);
    } catch (error) {
      port.postMessage({ type: 'integrity', id: message.id, error: error instanceof Error ? error.message : String(error) } satisfies WorkerMessage);
    }
  }
});

port.postMessage({ type: 'started', timeOrigin: performance.timeOrigin, names: probes.map((probe) => probe.name) } satisfies WorkerMessage);
