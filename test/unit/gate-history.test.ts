// `gate --history`: each cell against the P95 of the earlier runs it passed in, never against a
// run of another matrix, an interrupted run or the candidate itself.
import { describe, expect, it } from 'vitest';
import { applyPolicy } from '../../harness/gates/apply-policy.ts';
import { baselineFromHistory, baselineFromRun } from '../../harness/gates/cell-baselines.ts';
import { policySchema } from '../../harness/gates/policy-schema.ts';
import type { CellResult, RunResults } from '../../harness/results.ts';
import { passedCell, sampleRun } from '../fixtures/results/sample-run.ts';

const withFigures = (outageMs: number, p99: number, status: CellResult['status'] = 'passed'): CellResult => {
  const cell = passedCell();
  return { ...cell, status, traffic: { ...cell.traffic!, longestOutageMs: outageMs, latencyMs: { ...cell.traffic!.latencyMs, p99 } } };
};
const run = (id: string, cells: CellResult[], over: Partial<RunResults> = {}): { file: string; results: RunResults } => ({
  file: `history/${id}/results.json`,
  results: { ...sampleRun(cells), runId: id, ...over },
});
const policy = policySchema.parse({ baseline: { longestOutageMs: 1.5, p99LatencyMs: 2, slackMs: 50, minRuns: 3 } });
const candidate = (outageMs: number, p99: number) => ({ ...sampleRun([withFigures(outageMs, p99)]), runId: 'candidate' });

describe('baselines from a history of runs', () => {
  const history = [
    run('r1', [withFigures(100, 20)]),
    run('r2', [withFigures(200, 30)]),
    run('r3', [withFigures(2000, 900, 'failed')]), // a failed cell is no baseline
    run('r4', [withFigures(300, 40)]),
    run('r5', [withFigures(400, 25)]),
  ];

  it('takes per cell the P95 of the runs it passed in, and says which runs it used', () => {
    const baselines = baselineFromHistory(history, candidate(0, 0), 3, 'history');
    expect(baselines.cells.get(passedCell().id)).toEqual({ longestOutageMs: 400, p99LatencyMs: 40, source: 'P95 of 4 runs' });
    expect(baselines.summary).toMatch(/^baseline from history: 5 runs of quickstart in history \(r1, r2, r3, r4, r5\), at least 3 passed runs per cell$/);
  });

  it('passes a cell within P95 x factor + slack, showing its margin, and fails one beyond it', () => {
    const near = candidate(640, 100);
    const ok = applyPolicy(near, policy, baselineFromHistory(history, near, 3, 'history'));
    expect(ok.passed).toBe(true);
    expect(ok.cells[0]?.margins).toEqual([
      'longestOutageMs 640 against 400 (P95 of 4 runs), limit 650: 10 to spare',
      'p99LatencyMs 100 against 40 (P95 of 4 runs), limit 130: 30 to spare',
    ]);
    const far = candidate(700, 100);
    const bad = applyPolicy(far, policy, baselineFromHistory(history, far, 3, 'history'));
    expect(bad.passed).toBe(false);
    expect(bad.cells[0]?.problems).toEqual(['longestOutageMs 700 regressed from 400 (P95 of 4 runs; limit 650)']);
  });

  it('leaves out runs of another matrix, edited matrices and interrupted runs, each with why, and the candidate itself', () => {
    const digests = (matrixDigest: string) => ({ provenance: { ...provenance, matrixDigest } });
    const provenance = { harnessVersion: '0', node: '24', host: { name: 'h', cores: 2 }, startedBy: { ci: null, jobUrl: null, pipeline: null, user: 'u' }, matrixFile: 'm.yaml', matrixDigest: 'sha256:aaaa', scenarioDigest: 'sha256:s', selection: { only: null, shard: null } };
    const aborted: CellResult = { ...withFigures(1, 1, 'skipped'), error: { code: 'ABORTED', message: 'interrupted', hint: null, kind: 'aborted' } };
    const mixed = [
      run('same', [withFigures(100, 20)], digests('sha256:aaaa')),
      run('other', [withFigures(1, 1)], { matrix: 'nightly' }),
      run('edited', [withFigures(1, 1)], digests('sha256:bbbb')),
      run('cut', [withFigures(1, 1), aborted], digests('sha256:aaaa')),
      run('candidate', [withFigures(1, 1)], digests('sha256:aaaa')),
    ];
    const baselines = baselineFromHistory(mixed, { ...candidate(0, 0), ...digests('sha256:aaaa') }, 1, 'history');
    expect(baselines.cells.get(passedCell().id)?.source).toBe('P95 of 1 runs');
    expect(baselines.summary).toContain('left out 3: history/other/results.json: it is a run of matrix nightly, not quickstart');
    expect(baselines.summary).toContain('history/edited/results.json: the matrix file has changed since it ran');
    expect(baselines.summary).toContain('history/cut/results.json: it was interrupted');
  });

  it('gives a cell with too few passed runs no baseline, and says so', () => {
    const baselines = baselineFromHistory(history.slice(0, 2), candidate(0, 0), 3, 'history');
    expect(baselines.cells.size).toBe(0);
    const verdict = applyPolicy(candidate(5000, 5000), policy, baselines);
    expect(verdict.passed).toBe(true);
    expect(verdict.cells[0]?.margins).toEqual(['no baseline: passed in 2 earlier runs, 3 needed']);
  });

  it('refuses a history with no comparable run, and a single baseline run of another matrix', () => {
    expect(() => baselineFromHistory([run('other', [withFigures(1, 1)], { matrix: 'nightly' })], candidate(0, 0), 3, 'history')).toThrow(
      'no run in history can be a baseline of run candidate (matrix quickstart): history/other/results.json: it is a run of matrix nightly, not quickstart',
    );
    expect(() => baselineFromRun({ ...sampleRun(), matrix: 'abrupt-shutdown' }, candidate(0, 0), 'other/results.json')).toThrow(
      'other/results.json cannot be the baseline of run candidate: it is a run of matrix abrupt-shutdown, not quickstart',
    );
  });
});
