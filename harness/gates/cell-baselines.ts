// What `gate` compares each cell with: the same cell of one earlier run (`--baseline FILE`), or of
// many (`--history DIR`), as OpenShift judges upgrade disruption against the P95 of earlier runs
// rather than one night that may have been noisy. Only comparable runs count: the same matrix and
// scenario files (their digests), and only cells that passed in them.
import { ConfigError } from '../errors.ts';
import { nearestRank } from '../measure/percentiles.ts';
import type { CellResult, RunResults } from '../results.ts';

export interface CellBaseline {
  longestOutageMs: number;
  p99LatencyMs: number;
  /** Where it comes from, for the gate's lines: "run 2026...-abc" or "P95 of 3 runs". */
  source: string;
}

export interface Baselines {
  /** Per cell id; a cell without enough history has none (see `missing`). */
  cells: Map<string, CellBaseline>;
  /** One line for the gate's header: which runs were used, and which were not, and why. */
  summary: string;
  /** Cells of the candidate with too few passed runs behind them, with how many there were. */
  missing: Map<string, number>;
}

/** Why `run` cannot be a baseline for `candidate`, or null when it can. */
export function notComparable(run: RunResults, candidate: RunResults): string | null {
  if (run.matrix !== candidate.matrix) return `it is a run of matrix ${run.matrix}, not ${candidate.matrix}`;
  const was = run.provenance;
  const is = candidate.provenance;
  if (was && is && was.matrixDigest !== is.matrixDigest) return `the matrix file has changed since it ran (${was.matrixDigest.slice(0, 19)} then, ${is.matrixDigest.slice(0, 19)} now)`;
  if (was && is && was.scenarioDigest !== is.scenarioDigest) return 'the scenario file has changed since it ran';
  return null;
}

const interrupted = (run: RunResults) => run.cells.some((cell) => cell.error?.kind === 'aborted');
const measured = (cell: CellResult | undefined): cell is CellResult & { traffic: NonNullable<CellResult['traffic']> } => cell?.status === 'passed' && cell.traffic !== null;

/** `--baseline FILE`: one earlier run of the same matrix; another is refused (exit 2). */
export function baselineFromRun(run: RunResults, candidate: RunResults, file: string): Baselines {
  const why = notComparable(run, candidate);
  if (why) throw new ConfigError(`${file} cannot be the baseline of run ${candidate.runId}: ${why}`, [], 'give a results.json of an earlier run of the same matrix, or --history with a folder of them');
  const cells = new Map<string, CellBaseline>();
  // The user chose this run: each cell it measured counts, passed or not.
  for (const cell of run.cells) {
    if (cell.traffic) cells.set(cell.id, { longestOutageMs: cell.traffic.longestOutageMs, p99LatencyMs: cell.traffic.latencyMs.p99, source: `run ${run.runId}` });
  }
  return { cells, summary: `baseline: run ${run.runId} (${file})`, missing: new Map() };
}

/**
 * `--history DIR`: per cell, the P95 of its longest outage and of its p99 latency over the
 * earlier runs it passed in, once there are at least `minRuns` of them. Runs of another matrix or
 * scenario, interrupted runs and the candidate itself are left out, each said why; a history with
 * no comparable run at all is refused (exit 2), since a gate "against history" would judge nothing.
 */
export function baselineFromHistory(history: { file: string; results: RunResults }[], candidate: RunResults, minRuns: number, dir: string): Baselines {
  const used: RunResults[] = [];
  const left: string[] = [];
  for (const { file, results } of history) {
    if (results.runId === candidate.runId) continue;
    const why = notComparable(results, candidate) ?? (interrupted(results) ? 'it was interrupted' : null);
    if (why) left.push(`${file}: ${why}`);
    else used.push(results);
  }
  if (used.length === 0) {
    throw new ConfigError(`no run in ${dir} can be a baseline of run ${candidate.runId} (matrix ${candidate.matrix})${left.length ? `: ${left.slice(0, 3).join('; ')}` : ': it holds no results.json'}`, [], 'give a folder of earlier runs of the same matrix (each <run>/results.json), such as the last nightlies\' artifacts');
  }
  const cells = new Map<string, CellBaseline>();
  const missing = new Map<string, number>();
  for (const cell of candidate.cells) {
    const earlier = used.map((run) => run.cells.find((other) => other.id === cell.id)).filter(measured);
    if (earlier.length < minRuns) {
      missing.set(cell.id, earlier.length);
      continue;
    }
    const p95 = (values: number[]) => nearestRank(values.sort((a, b) => a - b), 95);
    cells.set(cell.id, {
      longestOutageMs: p95(earlier.map((other) => other.traffic.longestOutageMs)),
      p99LatencyMs: p95(earlier.map((other) => other.traffic.latencyMs.p99)),
      source: `P95 of ${earlier.length} runs`,
    });
  }
  const runIds = used.map((run) => run.runId);
  const summary = `baseline from history: ${used.length} run${used.length === 1 ? '' : 's'} of ${candidate.matrix} in ${dir} (${runIds.join(', ')}), at least ${minRuns} passed runs per cell${left.length ? `; left out ${left.length}: ${left.join('; ')}` : ''}`;
  return { cells, summary, missing };
}
