import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import pLimit from 'p-limit';
import type { Cell } from '../matrix/cell.ts';
import type { Reporter } from '../report/reporter.ts';
import { SCHEMA_VERSION, type CellResult, type RunResults } from '../results.ts';
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
  await options.reporter.onRunBegin({ runId, matrix: options.matrix, cells: options.cells, outDir: options.outDir });
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
  const cells: CellResult[] = await Promise.all(
    options.cells.map((cell) =>
      limit(async () => {
        await options.reporter.onCellBegin(cell);
        const result = options.signal.aborted ? skipped(cell, options.reproduceBase) : await runCell(cell, cellContext);
        await options.reporter.onCellEnd(cell, result);
        return result;
      }),
    ),
  );
  const results: RunResults = {
    schemaVersion: SCHEMA_VERSION,
    runId,
    matrix: options.matrix,
    matrixFile: options.matrixFile,
    startedAt: isoAt(startedAt),
    finishedAt: isoAt(now()),
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
