import { resolve } from 'node:path';
import { AbortedError } from '../errors.ts';
import { loadMatrix } from '../matrix/load-matrix.ts';
import type { Cell } from '../matrix/cell.ts';
import { selectCells } from '../matrix/select-cells.ts';
import { platformFor } from '../platforms/index.ts';
import { createReporterMux } from '../report/reporter-mux.ts';
import { fileReporters } from '../report/file-reporters.ts';
import { lockOutFolder } from '../runner/out-folder-lock.ts';
import { reproduceBase } from '../runner/reproduce-command.ts';
import { newRunId, runMatrix } from '../runner/run-matrix.ts';
import { exitCodeForResults, EXIT } from './exit-codes.ts';
import { progressReporter } from './progress-reporter.ts';

export interface RunCommandOptions {
  out?: string;
  concurrency: number;
  only?: string;
  keep?: boolean;
  /** Platform kubernetes: the cluster and context, over what the matrix or KUBECONFIG say. */
  kubeconfig?: string;
  context?: string;
}

/** `upgrade-harness run <matrix>`: every cell, reports in the out folder, exit code from the verdicts. */
export async function runCommand(matrixPath: string, options: RunCommandOptions): Promise<number> {
  const matrix = await loadMatrix(resolve(matrixPath));
  const cells = withCluster(options.only ? selectCells(matrix.cells, options.only) : matrix.cells, options);
  // What a platform's cells need on this machine, before any of them starts (exit 3 naming what is missing).
  for (const platform of new Set(cells.map((cell) => cell.platform))) {
    await platformFor(platform).preflight?.(cells.filter((cell) => cell.platform === platform));
  }
  const runId = newRunId();
  const outDir = resolve(options.out ?? `reports/${runId}`);
  // Held until this function returns, whatever way (and on process exit): see out-folder-lock.ts.
  await using _outFolder = await lockOutFolder(outDir, runId);
  const controller = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`\n${signal} again: exiting without waiting for teardown\n`);
      process.exit(EXIT.interrupted);
    }
    process.stderr.write(`\n${signal}: stopping every cell and tearing down (press Ctrl-C again to exit at once)\n`);
    controller.abort(new AbortedError(`interrupted by ${signal}`));
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  const orphaned = watchParent(() => {
    process.stderr.write(`\nthe process that started this run is gone: stopping every cell and tearing down\n`);
    controller.abort(new AbortedError('interrupted: the process that started the run is gone'));
  });
  try {
    const reporter = createReporterMux([progressReporter(), ...fileReporters()], (name, hook, error) => {
      process.stderr.write(`reporter ${name} failed in ${hook}: ${error instanceof Error ? error.message : String(error)}\n`);
    });
    const results = await runMatrix({
      matrix: matrix.name,
      matrixFile: matrix.file,
      cells,
      outDir,
      runId,
      concurrency: options.concurrency,
      signal: controller.signal,
      reporter,
      reproduceBase: reproduceBase(matrix.file),
      keep: options.keep ? (cell, lines) => keepUntilInterrupted(cell.id, lines, controller.signal) : undefined,
    });
    return controller.signal.aborted ? EXIT.interrupted : exitCodeForResults(results);
  } finally {
    clearInterval(orphaned);
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

const PARENT_CHECK_MS = 1000;

/**
 * A wrapper (npx, a CI runner's shell) that gets SIGTERM may die without passing it on; then this
 * process is re-parented. A run whose starter is gone stops like an interrupted one, within a second.
 */
function watchParent(onGone: () => void): NodeJS.Timeout {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, PARENT_CHECK_MS);
  timer.unref();
  return timer;
}

/** The command line's --kubeconfig and --context win over the matrix for the cells on an existing cluster. */
function withCluster(cells: Cell[], options: RunCommandOptions): Cell[] {
  if (!options.kubeconfig && !options.context) return cells;
  return cells.map((cell) =>
    cell.platform === 'kubernetes' && cell.kubernetes
      ? {
          ...cell,
          kubernetes: {
            ...cell.kubernetes,
            ...(options.kubeconfig ? { kubeconfig: resolve(options.kubeconfig) } : {}),
            ...(options.context ? { context: options.context } : {}),
          },
        }
      : cell,
  );
}

/** Holds a cell's environment until Ctrl-C, so an engineer can look at it; then teardown goes on. */
async function keepUntilInterrupted(cellId: string, lines: string[], signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  process.stderr.write(`\n${cellId}: environment kept for inspection (traffic stopped)\n  ${lines.join('\n  ')}\npress Ctrl-C to tear it down\n`);
  await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
}
