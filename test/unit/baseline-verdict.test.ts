// Warm-up failures, before anything changed, make a cell no verdict - when the verdict rests on traffic.
import { describe, expect, it } from 'vitest';
import { UpgradeFailedError } from '../../harness/errors.ts';
import type { Cell } from '../../harness/matrix/cell.ts';
import type { CellResult, GateResult } from '../../harness/results.ts';
import { baselineVerdict } from '../../harness/runner/judge-cell.ts';

const cell = { from: '1.0.0' } as Cell;
const gate = (name: string, passed: boolean): GateResult => ({ name, threshold: 0, actual: passed ? 0 : 3, passed, scope: 'upgrade' });
const measured = (warmUpFailures: number, gates: GateResult[]) =>
  ({ traffic: { byPhase: { 'warm-up': { requests: 100, failures: warmUpFailures, latencyMs: {} } } }, gates }) as unknown as Pick<CellResult, 'traffic' | 'gates'>;
const failed = { status: 'failed' as const, error: null };

describe('the warm-up baseline', () => {
  it('turns a traffic verdict into BASELINE_FAILED when requests failed before the upgrade began', () => {
    const verdict = baselineVerdict(cell, measured(18, [gate('failedRequests', false)]), undefined, failed);
    expect(verdict.status).toBe('error');
    expect(verdict.error).toMatchObject({ code: 'BASELINE_FAILED', kind: 'infrastructure' });
    expect(verdict.error?.message).toContain('18 of 100 requests failed during warm-up, before the upgrade began, while only 1.0.0 ran');
    const canary = new UpgradeFailedError('canary stopped at 10%', { code: 'CANARY_ABORTED', timingDependent: true });
    expect(baselineVerdict(cell, measured(2, []), canary, { status: 'failed', error: { code: 'CANARY_ABORTED', message: 'canary stopped at 10%', hint: null, kind: 'product' } }).error?.code).toBe('BASELINE_FAILED');
  });
  it('keeps the verdict when the warm-up was clean, or the evidence is not traffic', () => {
    expect(baselineVerdict(cell, measured(0, [gate('failedRequests', false)]), undefined, failed)).toBe(failed);
    expect(baselineVerdict(cell, measured(5, [gate('failedRequests', false), gate('unintendedRestarts', false)]), undefined, failed)).toBe(failed);
    expect(baselineVerdict(cell, measured(5, [gate('lostWrites', false)]), undefined, failed)).toBe(failed);
    const crash = { status: 'failed' as const, error: { code: 'REPLICA_NOT_READY', message: 'exited', hint: null, kind: 'product' as const } };
    expect(baselineVerdict(cell, measured(5, []), new UpgradeFailedError('exited', { code: 'REPLICA_NOT_READY' }), crash)).toBe(crash);
    const passed = { status: 'passed' as const, error: null };
    expect(baselineVerdict(cell, measured(5, []), undefined, passed)).toBe(passed);
  });
});
