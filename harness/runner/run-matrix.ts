import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import pLimit from 'p-limit';
import type { Cell } from '../matrix/cell.ts';
import type { Reporter } from '../report/reporter.ts';
import { SCHEMA_VERSION, type CellResult, type Provenance, type RunResults } from '../results.ts';
import { CellJournal } from './cell-journal.ts';
import { RUN_ID_LABEL, OWNER_PID_LABEL } from './labels.ts';
import { holdRunLease } from './run-lease.ts';
import { reproduceCell } from './reproduce-command.ts';
import { runCell, type CellRunContext } from './run-cell.ts';
import { SharedResources } from './shared-resources.ts';
import { HealthMonitor } from '../health/health-monitor.ts';
import { isoAt, now } from './timeline.ts';

export interface RunOptions {
  matrix: string;
  matrixFile: string;
  cells: Cell[];
  outDir: string;
  concurrency: number;
  runId?: string;
  /** Aborting it stops every cell: their teardowns still run. */
  signal: AbortSignal;
  reporter: Required<Omit<Reporter, 'name'>>;
  reproduceBase: string;
  keep?: CellRunContext['keep'];
  provenance: Provenance;
  /** Cells of an interrupted run that are kept as they were (`run --resume`). */
  kept?: CellResult[];
  /** Order of every cell id in the results (kept and run); default the order of `cells`. */
  order?: string[];
  /** A new journal in outDir, or appending to the one of the run being resumed. */
  journal: 'new' | 'continue';
}

export function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Runs the cells, at most `concurrency` at once, and returns the whole run's results. */
export async function runMatrix(options: RunOptions): Promise<RunResults> {
  const runId = options.runId ?? newRunId();
  // Everything started from here on inherits the run's labels, even processes started by libraries.
  process.env[RUN_ID_LABEL] = runId;
  process.env[OWNER_PID_LABEL] = String(process.pid);
  await mkdir(options.outDir, { recursive: true });
  await using _lease = await holdRunLease(runId);
  const startedAt = now();
  await using journal = await CellJournal.open(options.outDir, { journal: 1, runId, matrix: options.matrix, provenance: options.provenance }, options.journal);
  await options.reporter.onRunBegin({ runId, matrix: options.matrix, cells: options.cells, outDir: options.outDir, kept: options.kept?.length });
  const concurrency = Math.max(1, options.concurrency);
  const limit = pLimit(concurrency);
  await using shared = new SharedResources();
  await using health = HealthMonitor.start();
  const cellContext: CellRunContext = {
    runId,
    outDir: options.outDir,
    signal: options.signal,
    reporter: options.reporter,
    reproduceBase: options.reproduceBase,
    keep: options.keep,
    concurrency,
    shared: (key, create) => shared.get(key, create),
    health,
  };
  const ran: CellResult[] = await Promise.all(
    options.cells.map((cell) =>
      limit(async () => {
        await options.reporter.onCellBegin(cell);
        const result = options.signal.aborted ? skipped(cell, options.reproduceBase) : await runCell(cell, cellContext);
        // On disk before anyone is told the cell ended: a kill after "ok" never loses it.
        await journal.append(result);
        await options.reporter.onCellEnd(cell, result);
        return result;
      }),
    ),
  );
  const order = new Map((options.order ?? options.cells.map((cell) => cell.id)).map((id, index) => [id, index]));
  const cells = [...(options.kept ?? []), ...ran].sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  const results: RunResults = {
    schemaVersion: SCHEMA_VERSION,
    runId,
    matrix: options.matrix,
    matrixFile: options.matrixFile,
    // A resumed run began when its first cell did.
    startedAt: [isoAt(startedAt), ...(options.kept ?? []).map((cell) => cell.startedAt)].sort()[0]!,
    finishedAt: isoAt(now()),
    provenance: options.provenance,
    cells,
  };
  await options.reporter.onRunEnd(results, options.outDir);
  return results;
}

function skipped(cell: Cell, reproduceBase: string): CellResult {
  const at = isoAt(now());
  return {
    id: cell.id, platform: cell.platform, method: cell.method, from: cell.from, to: cell.to, via: cell.via, scenario: cell.scenario.name,
    status: 'skipped', reproduce: reproduceCell(reproduceBase, cell.id), startedAt: at, finishedAt: at, durationMs: 0,
    phases: [], events: [], traffic: null, errorBudget: null, integrity: null, rollback: null, gates: [],
    error: { code: 'ABORTED', message: 'not started: the run was interrupted', hint: null, kind: 'aborted' }, logs: null,
  };
}
