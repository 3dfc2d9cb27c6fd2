import { describe, expect, it } from 'vitest';
import { describeBreach, formatBudget, formatMs, formatPercent } from '../../harness/report/format.ts';
import { overallStatus, verdictLine } from '../../harness/report/verdict.ts';
import type { CellResult } from '../../harness/results.ts';
import { errorCell, gateFailedCell, passedCell, skippedCell } from '../fixtures/results/sample-run.ts';

describe('formatting', () => {
  it('formats durations in the unit a reader expects', () => {
    expect(formatMs(842)).toBe('842 ms');
    expect(formatMs(1420)).toBe('1.42 s');
    expect(formatMs(5000)).toBe('5 s');
    expect(formatMs(125_000)).toBe('2 min 5 s');
  });

  it('never rounds availability up to a perfect 100%', () => {
    expect(formatPercent(0.9999999)).toBe('99.999%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.93)).toBe('93%');
    expect(formatPercent(0.99957)).toBe('99.957%');
  });

  it('states an error budget left or overspent', () => {
    expect(formatBudget({ slo: 0.999, allowedFailures: 40, consumedFailures: 28, remaining: 12 })).toBe('12 of 40 left');
    expect(formatBudget({ slo: 0.999, allowedFailures: 40, consumedFailures: 45, remaining: -5 })).toBe('over by 5 (allowed 40)');
    expect(formatBudget(null)).toBe('-');
  });

  it('describes a breach with its threshold, in the gate unit', () => {
    expect(describeBreach({ name: 'longestOutageMs', threshold: 0, actual: 842, scope: 'upgrade' })).toBe('longestOutageMs 842 > 0');
    expect(describeBreach({ name: 'availability', threshold: 0.999, actual: 0.95, scope: 'rollback' })).toBe('rollback availability 95% < 99.9%');
  });
});

describe('verdict', () => {
  const many = (n: number, make: () => CellResult): CellResult[] => Array.from({ length: n }, (_, i) => ({ ...make(), id: `${make().id}#${i}` }));

  it('counts passes when all passed', () => {
    expect(verdictLine(many(8, passedCell))).toBe('8 of 8 cells passed');
    expect(overallStatus(many(8, passedCell))).toBe('passed');
  });

  it('names the failed cells first, and shortens a long list', () => {
    const cells = [...many(5, gateFailedCell), errorCell(), skippedCell(), passedCell()];
    const line = verdictLine(cells);
    expect(line).toMatch(/^5 cells failed: local\/1\.0\.0-to-1\.1\.0\/recreate#0, .*#1, .*#2 and 2 more; 1 cell could not complete/);
    expect(line).toContain('1 skipped; 1 of 8 passed');
    expect(overallStatus(cells)).toBe('failed');
    expect(overallStatus([errorCell(), passedCell()])).toBe('error');
    expect(overallStatus([skippedCell()])).toBe('skipped');
  });

  it('handles a run without cells', () => {
    expect(verdictLine([])).toBe('no cells ran');
  });
});
