// The programmatic API: what a project's own scripts need to drive the harness without its CLI.
//   import { loadMatrix, plan, run, readResults } from 'upgrade-harness';
import './util/require-node.ts';
import type { Cell } from './matrix/cell.ts';
import { loadMatrix, type LoadedMatrix } from './matrix/load-matrix.ts';
import { selectCells } from './matrix/select-cells.ts';
import { parseShard, shardOf } from './matrix/shard-cells.ts';
import { planJson, type PlanJson } from './cli/plan-json.ts';
import { loadRunResults } from './report/load-results.ts';
import { renderReports } from './report/file-reporters.ts';
import { runMatrixFile, type FinishedRun, type RunMatrixFileOptions } from './runner/run-matrix-file.ts';
import type { RunResults } from './results.ts';
import { ConfigError } from './errors.ts';

export { loadMatrix, runMatrixFile as run, loadRunResults as readResults, renderReports };
export type { Cell, FinishedRun, LoadedMatrix, PlanJson, RunMatrixFileOptions as RunOptions, RunResults };
export type { CellResult, CellStatus, Provenance, TrafficSummary } from './results.ts';
export type { Reporter, RunInfo } from './report/reporter.ts';
export { ConfigError, HarnessError, InfrastructureError } from './errors.ts';
export { harnessVersion as version } from './util/package-root.ts';

/** The cells a run of `matrixFile` would execute (with `only` and `shard` as on the command line), as `plan --json` prints them. */
export async function plan(matrixFile: string, options: { only?: string; shard?: string; shards?: number } = {}): Promise<PlanJson> {
  const matrix = await loadMatrix(matrixFile);
  let cells = options.only ? selectCells(matrix.cells, options.only) : matrix.cells;
  if (options.shard) {
    const shard = parseShard(options.shard);
    if (!shard) throw new ConfigError(`shard "${options.shard}" is not I/N`, [], 'e.g. 2/4');
    cells = shardOf(cells, shard);
  }
  return planJson(matrix, cells, options.shards);
}
