// Messages between the runner and the probe worker (probe-worker.ts).
import type { Integrity } from '../results.ts';
import type { HttpProbeOptions } from './http-probe.ts';
import type { ProbeStats } from './probe.ts';
import type { WriteLedgerOptions } from './write-ledger.ts';

export type ProbeSpec = { kind: 'http'; options: HttpProbeOptions } | { kind: 'write-ledger'; options: WriteLedgerOptions };

/** Numbers per row in a RecordBatch: scheduled, sent, duration, outcome, status, upstream cause. */
export const ROW_NUMBERS = 6;

/** New rows of one probe: ROW_NUMBERS numbers a row on the worker's clock, and each row's version. */
export interface RecordBatch {
  probe: number;
  rows: Float64Array;
  versions: (string | null)[];
  stats: ProbeStats;
}

export type WorkerMessage =
  | { type: 'started'; timeOrigin: number; names: string[] }
  | { type: 'records'; batches: RecordBatch[] }
  | { type: 'stopped' }
  | { type: 'integrity'; id: number; integrity?: Integrity; error?: string };

export type RunnerMessage = { type: 'stop' } | { type: 'integrity'; id: number; probe: number };
