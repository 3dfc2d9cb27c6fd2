// A matrix file to a finished run: load and select the cells (`only`, `shard`), or pick up an
// interrupted run's folder (`resume`), run them, write the reports. The CLI's `run` and the
// programmatic API's `run()` are this function; the CLI adds signals, progress and exit codes.
import { resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { Cell } from '../matrix/cell.ts';
import { loadMatrix } from '../matrix/load-matrix.ts';
import { selectCells } from '../matrix/select-cells.ts';
import { parseShard, shardOf } from '../matrix/shard-cells.ts';
import { platformFor } from '../platforms/index.ts';
import { fileReporters } from '../report/file-reporters.ts';
import type { Reporter } from '../report/reporter.ts';
import { createReporterMux } from '../report/reporter-mux.ts';
import type { CellResult, Provenance, RunResults } from '../results.ts';
import { readJournal } from './cell-journal.ts';
import { lockOutFolder } from './out-folder-lock.ts';
import { collectProvenance } from './provenance.ts';
import { reproduceBase } from './reproduce-command.ts';
import { newRunId, runMatrix, type RunOptions } from './run-matrix.ts';

export interface RunMatrixFileOptions {
  /** Folder for the reports; default reports/<run-id> under the working folder. */
  out?: string;
  concurrency?: number;
  /** Comma-separated globs over cell ids. */
  only?: string;
  /** `I/N`: the I-th of N deterministic, balanced shares of the (selected) cells. */
  shard?: string;
  /** The folder of an interrupted run: run only the cells its journal lacks, write the complete reports there. */
  resume?: string;
  /** Kubernetes platform: the cluster and context, over what the matrix or KUBECONFIG say. */
  kubeconfig?: string;
  context?: string;
  /** Aborting it stops every cell; their teardowns still run. */
  signal?: AbortSignal;
  /** Called besides the file reporters (progress output, a caller's own). */
  reporters?: Reporter[];
  keep?: RunOptions['keep'];
  /** Told of a reporter that threw (its failure does not stop the run). */
  onReporterError?(name: string, hook: string, error: unknown): void;
}

export interface FinishedRun {
  results: RunResults;
  outDir: string;
}

export async function runMatrixFile(matrixPath: string, options: RunMatrixFileOptions = {}): Promise<FinishedRun> {
  const matrix = await loadMatrix(resolve(matrixPath));
  const resumed = options.resume ? await resumable(resolve(options.resume), options) : null;
  const selection: Provenance['selection'] = resumed?.provenance.selection ?? { only: options.only ?? null, shard: options.shard ?? null };
  const selected = withCluster(select(matrix.cells, selection), options);
  const provenance = await collectProvenance({ matrixFile: matrix.file, scenarioFile: matrix.scenario.file, selection });
  if (resumed) sameMatrix(resumed.provenance, provenance, resumed.dir);
  // Cells an interrupt skipped did not run: a resume runs them.
  const kept = (resumed?.cells ?? []).filter((cell) => cell.status !== 'skipped' && selected.some((s) => s.id === cell.id));
  const toRun = selected.filter((cell) => !kept.some((done) => done.id === cell.id));
  // What a platform's cells need on this machine, before any of them starts (exit 3 naming what is missing).
  for (const platform of new Set(toRun.map((cell) => cell.platform))) {
    await platformFor(platform).preflight?.(toRun.filter((cell) => cell.platform === platform));
  }
  const runId = newRunId();
  const outDir = resumed?.dir ?? resolve(options.out ?? `reports/${runId}`);
  // Held until this function returns, whatever way (and on process exit): see out-folder-lock.ts.
  await using _outFolder = await lockOutFolder(outDir, runId);
  const reporter = createReporterMux([...(options.reporters ?? []), ...fileReporters()], options.onReporterError ?? (() => {}));
  const results = await runMatrix({
    matrix: matrix.name,
    matrixFile: matrix.file,
    cells: toRun,
    kept,
    order: selected.map((cell) => cell.id),
    outDir,
    runId,
    concurrency: options.concurrency ?? 2,
    signal: options.signal ?? new AbortController().signal,
    reporter,
    reproduceBase: reproduceBase(matrix.file),
    keep: options.keep,
    provenance: resumed ? { ...provenance, resumed: { runId: resumed.runId, cellsKept: kept.length } } : provenance,
    journal: resumed ? 'continue' : 'new',
  });
  return { results, outDir };
}

function select(cells: Cell[], selection: Provenance['selection']): Cell[] {
  const chosen = selection.only ? selectCells(cells, selection.only) : cells;
  if (!selection.shard) return chosen;
  const shard = parseShard(selection.shard);
  if (!shard) throw new ConfigError(`--shard "${selection.shard}" is not I/N`, [], 'e.g. --shard 2/4: the second of four shares, 1 <= I <= N');
  return shardOf(chosen, shard);
}

interface Resumable {
  dir: string;
  runId: string;
  provenance: Provenance;
  cells: CellResult[];
}

async function resumable(dir: string, options: RunMatrixFileOptions): Promise<Resumable> {
  if (options.only || options.shard || options.out) {
    throw new ConfigError('--resume continues a run as it was started: it takes no --only, --shard or --out', [], 'drop them; the resumed run reuses its selection and folder');
  }
  const journal = await readJournal(dir);
  return { dir, runId: journal.header.runId, provenance: journal.header.provenance, cells: journal.cells };
}

function sameMatrix(before: Provenance, now: Provenance, dir: string): void {
  const changed = [before.matrixDigest !== now.matrixDigest ? 'the matrix file' : '', before.scenarioDigest !== now.scenarioDigest ? 'the scenario file' : ''].filter(Boolean);
  if (changed.length === 0) return;
  throw new ConfigError(
    `cannot resume ${dir}: ${changed.join(' and ')} changed since it started (${before.matrixFile})`,
    [],
    'resume with the files the run started with, or start a new run',
  );
}

/** The command line's --kubeconfig and --context win over the matrix for the cells on an existing cluster. */
function withCluster(cells: Cell[], options: RunMatrixFileOptions): Cell[] {
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
