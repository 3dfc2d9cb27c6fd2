import { describe, expect, it } from 'vitest';
import { buildTrends, cellTrends, doraFigures, groupByMatrix, median, type TrendInput } from '../../harness/report/trend/trend-figures.ts';
import type { CellResult, CellStatus, Provenance, RunResults } from '../../harness/results.ts';
import { errorCell, gateFailedCell, passedCell, rollbackCell, sampleRun, skippedCell } from '../fixtures/results/sample-run.ts';

const provenance = (matrixDigest: string): Provenance => ({
  harnessVersion: '0.1.0', node: 'v24.0.0', host: { name: 'ci', cores: 2 },
  startedBy: { ci: null, jobUrl: null, pipeline: null, user: 'tester' },
  matrixFile: 'matrices/quickstart.yaml', matrixDigest, scenarioDigest: 'sha256:bb', selection: { only: null, shard: null },
});

const withStatus = (cell: CellResult, id: string, status: CellStatus): CellResult => ({ ...cell, id, status });

function run(runId: string, startedAt: string, cells: CellResult[], changes: Partial<RunResults> = {}): TrendInput {
  return { file: `${runId}/results.json`, results: { ...sampleRun(cells), runId, startedAt, ...changes } };
}

const key = 'local/1.0.0-to-1.1.0/rolling';

describe('trend figures', () => {
  it('change-failure rate: runs with a failed cell, of the runs with a verdict; error and skipped are not failures', () => {
    const runs = [
      run('r1', '2026-01-01T00:00:00Z', [passedCell(), gateFailedCell()]),
      run('r2', '2026-01-02T00:00:00Z', [passedCell(), errorCell()]),
      run('r3', '2026-01-03T00:00:00Z', [errorCell(), skippedCell()]),
      run('r4', '2026-01-04T00:00:00Z', [passedCell()]),
    ];
    const dora = doraFigures(runs);
    expect(dora).toMatchObject({ runs: 4, runsWithoutVerdict: 1, failedRuns: 1 });
    expect(dora.changeFailureRate).toBeCloseTo(1 / 3);
  });

  it('has no change-failure rate when no run had a verdict', () => {
    const dora = doraFigures([run('r1', '2026-01-01T00:00:00Z', [errorCell()]), run('r2', '2026-01-02T00:00:00Z', [])]);
    expect(dora).toMatchObject({ runs: 2, runsWithoutVerdict: 2, failedRuns: 0, changeFailureRate: null, rollbackRecovery: null, cellDuration: null });
  });

  it('rollback recovery: median and max of the rollback longest outage, over cells with a verdict that rolled back', () => {
    const rolledBack = (outageMs: number, status: CellStatus = 'passed'): CellResult => {
      const cell = rollbackCell();
      return { ...cell, status, rollback: { ...cell.rollback!, traffic: { ...cell.rollback!.traffic, longestOutageMs: outageMs } } };
    };
    const runs = [
      run('r1', '2026-01-01T00:00:00Z', [rolledBack(300), passedCell()]),
      run('r2', '2026-01-02T00:00:00Z', [rolledBack(100, 'failed')]),
      run('r3', '2026-01-03T00:00:00Z', [rolledBack(900), rolledBack(5000, 'error')]),
    ];
    expect(doraFigures(runs).rollbackRecovery).toEqual({ rollbacks: 3, medianMs: 300, maxMs: 900 });
  });

  it('time to restore: median and max of automatic rollbacks, trigger to the old version serving', () => {
    const automatic = (recoveredAfterMs: number): CellResult => {
      const cell = rollbackCell();
      return { ...cell, status: 'failed', rollback: { ...cell.rollback!, automatic: { trigger: 'error rate 9% > 5%', detectedAfterMs: 800, recoveredAfterMs } } };
    };
    expect(doraFigures([run('r1', '2026-01-01T00:00:00Z', [rollbackCell()])]).timeToRestore).toBeNull();
    const runs = [run('r1', '2026-01-01T00:00:00Z', [automatic(1500), automatic(300)]), run('r2', '2026-01-02T00:00:00Z', [automatic(700)])];
    expect(doraFigures(runs).timeToRestore).toEqual({ rollbacks: 3, medianMs: 700, maxMs: 1500 });
  });

  it('median cell duration is over cells with a verdict, nearest rank', () => {
    const timed = (ms: number, status: CellStatus = 'passed'): CellResult => ({ ...passedCell(), status, durationMs: ms });
    const dora = doraFigures([run('r1', '2026-01-01T00:00:00Z', [timed(10_000), timed(40_000, 'failed'), timed(0, 'skipped'), timed(30_000), timed(20_000)])]);
    expect(dora.cellDuration).toEqual({ cells: 4, medianMs: 20_000 });
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([3, 1, 2])).toBe(2);
  });

  it('gives error and skipped cells, and runs without the cell, a gap rather than a figure', () => {
    const runs = [
      run('r1', '2026-01-01T00:00:00Z', [gateFailedCell()]),
      run('r2', '2026-01-02T00:00:00Z', [withStatus(passedCell(), 'local/1.0.0-to-1.1.0/recreate', 'error')]),
      run('r3', '2026-01-03T00:00:00Z', [passedCell()]),
      run('r4', '2026-01-04T00:00:00Z', [withStatus(passedCell(), 'local/1.0.0-to-1.1.0/recreate', 'skipped')]),
    ];
    const recreate = cellTrends(runs).find((cell) => cell.key === 'local/1.0.0-to-1.1.0/recreate');
    expect(recreate?.points).toEqual([
      { status: 'failed', longestOutageMs: 842, failures: 84, p99Ms: 35 },
      { status: 'error', longestOutageMs: null, failures: null, p99Ms: null },
      { status: null, longestOutageMs: null, failures: null, p99Ms: null },
      { status: 'skipped', longestOutageMs: null, failures: null, p99Ms: null },
    ]);
  });

  it("orders cell keys as the latest run has them, then keys only older runs had", () => {
    const runs = [run('r1', '2026-01-01T00:00:00Z', [errorCell(), passedCell()]), run('r2', '2026-01-02T00:00:00Z', [gateFailedCell(), passedCell()])];
    expect(cellTrends(runs).map((cell) => cell.key)).toEqual(['local/1.0.0-to-1.1.0/recreate', key, 'local/1.1.0-to-2.0.0/blue-green']);
  });

  it('groups by matrix name, orders each group by startedAt, and numbers the runs within it', () => {
    const groups = groupByMatrix([
      run('q2', '2026-01-03T00:00:00Z', [passedCell()]),
      run('d1', '2026-01-02T00:00:00Z', [passedCell()], { matrix: 'docker' }),
      run('q1', '2026-01-01T00:00:00Z', [passedCell()]),
    ]);
    expect(groups.map((group) => [group.matrix, group.runs.map((r) => `${r.number}:${r.results.runId}`)])).toEqual([
      ['docker', ['1:d1']],
      ['quickstart', ['1:q1', '2:q2']],
    ]);
  });

  it('marks a run whose matrix digest differs from the latest run of the same matrix, not runs without provenance', () => {
    const groups = groupByMatrix([
      run('r1', '2026-01-01T00:00:00Z', [passedCell()], { provenance: provenance('sha256:old') }),
      run('r2', '2026-01-02T00:00:00Z', [passedCell()]),
      run('r3', '2026-01-03T00:00:00Z', [passedCell()], { provenance: provenance('sha256:new') }),
      run('r4', '2026-01-04T00:00:00Z', [passedCell()], { provenance: provenance('sha256:new') }),
      run('o1', '2026-01-05T00:00:00Z', [passedCell()], { matrix: 'other', provenance: provenance('sha256:old') }),
    ]);
    const edited = groups.flatMap((group) => group.runs.map((r) => [r.results.runId, r.matrixEdited]));
    expect(edited).toEqual([['o1', false], ['r1', true], ['r2', false], ['r3', false], ['r4', false]]);
  });

  it('keeps the figures of different matrices apart', () => {
    const trends = buildTrends([
      run('q1', '2026-01-01T00:00:00Z', [gateFailedCell()]),
      run('d1', '2026-01-02T00:00:00Z', [passedCell()], { matrix: 'docker' }),
    ]);
    expect(trends.map((trend) => [trend.matrix, trend.dora.failedRuns, trend.dora.changeFailureRate, trend.cells.map((c) => c.key)])).toEqual([
      ['docker', 0, 0, [key]],
      ['quickstart', 1, 1, ['local/1.0.0-to-1.1.0/recreate']],
    ]);
  });
});
