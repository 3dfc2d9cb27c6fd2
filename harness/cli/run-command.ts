import { AbortedError } from '../errors.ts';
import { runMatrixFile, type RunMatrixFileOptions } from '../runner/run-matrix-file.ts';
import { exitCodeForResults, EXIT } from './exit-codes.ts';
import { progressReporter } from './progress-reporter.ts';

export type RunCommandOptions = Pick<RunMatrixFileOptions, 'out' | 'only' | 'shard' | 'resume' | 'kubeconfig' | 'context'> & {
  concurrency: number;
  keep?: boolean;
};

/** `upgrade-harness run <matrix>`: every cell, reports in the out folder, exit code from the verdicts. */
export async function runCommand(matrixPath: string, options: RunCommandOptions): Promise<number> {
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
    const { results } = await runMatrixFile(matrixPath, {
      ...options,
      signal: controller.signal,
      reporters: [progressReporter()],
      onReporterError: (name, hook, error) => {
        process.stderr.write(`reporter ${name} failed in ${hook}: ${error instanceof Error ? error.message : String(error)}\n`);
      },
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

/** Holds a cell's environment until Ctrl-C, so an engineer can look at it; then teardown goes on. */
async function keepUntilInterrupted(cellId: string, lines: string[], signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  process.stderr.write(`\n${cellId}: environment kept for inspection (traffic stopped)\n  ${lines.join('\n  ')}\npress Ctrl-C to tear it down\n`);
  await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
}
