import { describe, expect, it } from 'vitest';
import { applyPolicy } from '../../harness/gates/apply-policy.ts';
import { baselineFromRun } from '../../harness/gates/cell-baselines.ts';
import { policySchema } from '../../harness/gates/policy-schema.ts';
import type { RunResults } from '../../harness/results.ts';
import { errorCell, gateFailedCell, passedCell, rollbackCell, sampleRun, skippedCell } from '../fixtures/results/sample-run.ts';

const policy = (input: unknown) => policySchema.parse(input);

describe('a release policy applied to a finished run', () => {
  it('judges by its own thresholds, not the matrix verdict: a matrix failure may pass a looser policy', () => {
    const verdict = applyPolicy(sampleRun([gateFailedCell()]), policy({ gates: { longestOutageMs: 1000, lostWrites: 0 } }));
    expect(verdict.passed).toBe(true);
    expect(verdict.cells[0]?.gates.map((gate) => [gate.name, gate.actual, gate.passed])).toEqual([
      ['longestOutageMs', 842, true],
      ['lostWrites', 0, true],
    ]);
  });

  it('says which gate a cell breaches, with the numbers', () => {
    const verdict = applyPolicy(sampleRun([passedCell(), gateFailedCell()]), policy({ gates: { failedRequests: 0 } }));
    expect(verdict.passed).toBe(false);
    expect(verdict.cells.map((cell) => [cell.id, cell.passed])).toEqual([
      ['local/1.0.0-to-1.1.0/rolling', true],
      ['local/1.0.0-to-1.1.0/recreate', false],
    ]);
    expect(verdict.cells[1]?.problems).toEqual(['upgrade failedRequests 84 breaches maximum 0']);
  });

  it('applies overrides to the cells they match, in order; null removes a gate', () => {
    const verdict = applyPolicy(
      sampleRun([passedCell(), gateFailedCell()]),
      policy({ gates: { failedRequests: 0 }, overrides: [{ when: { method: 'recreate' }, gates: { failedRequests: null, longestOutageMs: 500 } }] }),
    );
    expect(verdict.cells[1]?.problems).toEqual(['upgrade longestOutageMs 842 breaches maximum 500']);
    expect(verdict.cells[0]?.gates.map((gate) => gate.name)).toEqual(['failedRequests']);
  });

  it('judges the rollback too, and a cell without measurements never passes', () => {
    const verdict = applyPolicy(sampleRun([rollbackCell(), errorCell(), skippedCell()]), policy({ gates: { lostWrites: 0 } }));
    expect(verdict.cells[0]?.gates.map((gate) => `${gate.scope} ${gate.name}`)).toEqual(['upgrade lostWrites', 'rollback lostWrites']);
    expect(verdict.cells[1]?.problems[0]).toMatch(/^no measurements: the cell did not run to its end \(could not bind/);
    expect(verdict.cells[2]?.problems[0]).toMatch(/^no measurements: the cell was skipped/);
    expect(verdict.passed).toBe(false);
  });

  it('fails when a required cell is missing or does not pass', () => {
    const verdict = applyPolicy(sampleRun([passedCell(), gateFailedCell()]), policy({ gates: { failedRequests: 0 }, require: ['*/*/recreate', 'docker/*/*'] }));
    expect(verdict.missing).toEqual(['docker/*/*']);
    expect(verdict.cells[1]?.problems).toContain('required by the policy');
  });
});

describe('a release policy against a baseline run', () => {
  const against = (run: RunResults, candidate: RunResults) => baselineFromRun(run, candidate, 'baseline.json');
  const withOutage = (ms: number) => {
    const cell = gateFailedCell();
    return { ...cell, traffic: { ...cell.traffic!, longestOutageMs: ms } };
  };

  it('fails a cell whose longest outage grew past factor x baseline + slack', () => {
    const candidate = sampleRun([withOutage(842)]);
    const verdict = applyPolicy(candidate, policy({ baseline: { longestOutageMs: 1.5, slackMs: 50 } }), against(sampleRun([withOutage(500)]), candidate));
    expect(verdict.passed).toBe(false);
    expect(verdict.cells[0]?.gates.find((gate) => gate.name === 'longestOutageMs vs baseline')).toMatchObject({ threshold: 800, actual: 842, passed: false });
    expect(verdict.cells[0]?.problems).toEqual([`longestOutageMs 842 regressed from 500 (run ${candidate.runId}; limit 800)`]);
  });

  it('passes within the limit, and judges no baseline for a cell the earlier run did not have', () => {
    const near = sampleRun([withOutage(790)]);
    const passing = applyPolicy(near, policy({ baseline: { longestOutageMs: 1.5 } }), against(sampleRun([withOutage(500)]), near));
    expect(passing.passed).toBe(true);
    expect(passing.cells[0]?.margins).toEqual([`longestOutageMs 790 against 500 (run ${near.runId}), limit 800: 10 to spare`]);
    const far = sampleRun([withOutage(842)]);
    const unmatched = applyPolicy(far, policy({ baseline: { longestOutageMs: 1 } }), against(sampleRun([passedCell()]), far));
    expect(unmatched.passed).toBe(true);
    expect(unmatched.cells[0]?.gates).toEqual([]);
  });
});
