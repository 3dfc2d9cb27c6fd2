// The figures of trend.html, as pure functions of the runs read: per cell key a series over the
// runs, and the DORA measures as they apply to upgrades. Rendering is trend-html.ts's business.
import { nearestRank } from '../../measure/percentiles.ts';
import type { CellResult, CellStatus, RunResults } from '../../results.ts';

export interface TrendInput {
  file: string;
  results: RunResults;
}

export interface TrendRun extends TrendInput {
  /** 1-based position among the runs of its matrix, oldest first: the x of every chart. */
  number: number;
  /** Its matrix file is not the one the latest run of the same matrix used. */
  matrixEdited: boolean;
}

export interface TrendPoint {
  /** null: the cell is not in this run. */
  status: CellStatus | null;
  /** null is a gap: the cell is missing, gave no verdict (error, skipped) or measured no traffic. */
  longestOutageMs: number | null;
  failures: number | null;
  p99Ms: number | null;
}

export interface CellTrend {
  key: string;
  /** One per run of the matrix, in run order. */
  points: TrendPoint[];
}

export interface DoraFigures {
  runs: number;
  /** Runs where no cell passed or failed: no evidence either way, so not in the rate. */
  runsWithoutVerdict: number;
  failedRuns: number;
  /** failedRuns of the runs with a verdict; null when none had one. */
  changeFailureRate: number | null;
  /** The rollback window's longest outage, over cells with a verdict that rolled back. */
  rollbackRecovery: { rollbacks: number; medianMs: number; maxMs: number } | null;
  /** Automatic rollbacks: from the trigger to the old version serving everything again (DORA's time to restore). */
  timeToRestore: { rollbacks: number; medianMs: number; maxMs: number } | null;
  cellDuration: { cells: number; medianMs: number } | null;
}

export interface MatrixTrend {
  matrix: string;
  runs: TrendRun[];
  cells: CellTrend[];
  dora: DoraFigures;
}

/** Error and skipped cells said nothing about the product, so they neither fail a run nor plot a figure. */
export function hasVerdict(cell: CellResult): boolean {
  return cell.status === 'passed' || cell.status === 'failed';
}

const startedMs = (run: TrendInput): number => {
  const ms = Date.parse(run.results.startedAt);
  return Number.isFinite(ms) ? ms : Number.POSITIVE_INFINITY;
};

/** Oldest first; a run whose start does not parse goes last, and the file breaks ties so the order is stable. */
export function compareRuns(a: TrendInput, b: TrendInput): number {
  return startedMs(a) - startedMs(b) || a.file.localeCompare(b.file);
}

/** The nearest-rank median, like every percentile in the reports: always a value that was measured. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return nearestRank([...values].sort((a, b) => a - b), 50);
}

/**
 * Which runs used another matrix file than the latest run of the same matrix (by digest). A run
 * without provenance cannot be compared and is not marked.
 */
export function markEditedMatrix(runs: readonly TrendInput[]): boolean[] {
  const latest = runs.findLast((run) => run.results.provenance?.matrixDigest)?.results.provenance?.matrixDigest;
  return runs.map((run) => {
    const digest = run.results.provenance?.matrixDigest;
    return latest !== undefined && digest !== undefined && digest !== latest;
  });
}

/** Runs grouped by matrix name (groups by name, runs oldest first), numbered and marked within their group. */
export function groupByMatrix(runs: readonly TrendInput[]): { matrix: string; runs: TrendRun[] }[] {
  const groups = new Map<string, TrendInput[]>();
  for (const run of [...runs].sort(compareRuns)) {
    const group = groups.get(run.results.matrix) ?? [];
    group.push(run);
    groups.set(run.results.matrix, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([matrix, group]) => {
      const edited = markEditedMatrix(group);
      return { matrix, runs: group.map((run, index) => ({ ...run, number: index + 1, matrixEdited: edited[index] ?? false })) };
    });
}

function point(cell: CellResult | undefined): TrendPoint {
  if (!cell) return { status: null, longestOutageMs: null, failures: null, p99Ms: null };
  const traffic = hasVerdict(cell) ? cell.traffic : null;
  return {
    status: cell.status,
    longestOutageMs: traffic?.longestOutageMs ?? null,
    failures: traffic?.failures ?? null,
    p99Ms: traffic?.latencyMs.p99 ?? null,
  };
}

/** Cell keys in the latest run's order (the matrix as it is now), then those only older runs had. */
export function cellTrends(runs: readonly TrendInput[]): CellTrend[] {
  const keys = new Set<string>();
  for (const run of [...runs].reverse()) for (const cell of run.results.cells) keys.add(cell.id);
  return [...keys].map((key) => ({ key, points: runs.map((run) => point(run.results.cells.find((cell) => cell.id === key))) }));
}

export function doraFigures(runs: readonly TrendInput[]): DoraFigures {
  const judged = runs.filter((run) => run.results.cells.some(hasVerdict));
  const failedRuns = judged.filter((run) => run.results.cells.some((cell) => cell.status === 'failed')).length;
  const cells = runs.flatMap((run) => run.results.cells).filter(hasVerdict);
  const recoveries = cells.flatMap((cell) => (cell.rollback ? [cell.rollback.traffic.longestOutageMs] : []));
  const durations = cells.map((cell) => cell.durationMs);
  const restores = cells.flatMap((cell) => (cell.rollback?.automatic ? [cell.rollback.automatic.recoveredAfterMs] : []));
  const restoreMedian = median(restores);
  const recoveryMedian = median(recoveries);
  const durationMedian = median(durations);
  return {
    runs: runs.length,
    runsWithoutVerdict: runs.length - judged.length,
    failedRuns,
    changeFailureRate: judged.length ? failedRuns / judged.length : null,
    rollbackRecovery: recoveryMedian === null ? null : { rollbacks: recoveries.length, medianMs: recoveryMedian, maxMs: Math.max(...recoveries) },
    timeToRestore: restoreMedian === null ? null : { rollbacks: restores.length, medianMs: restoreMedian, maxMs: Math.max(...restores) },
    cellDuration: durationMedian === null ? null : { cells: durations.length, medianMs: durationMedian },
  };
}

export function buildTrends(runs: readonly TrendInput[]): MatrixTrend[] {
  return groupByMatrix(runs).map(({ matrix, runs: group }) => ({ matrix, runs: group, cells: cellTrends(group), dora: doraFigures(group) }));
}
