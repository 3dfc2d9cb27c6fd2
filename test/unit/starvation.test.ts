// The harness judging its own measurement: starved windows come from direct evidence only, and a
// verdict is taken from the product only when the starvation explains the failure.
import { describe, expect, it } from 'vitest';
import { UpgradeFailedError } from '../../harness/errors.ts';
import type { HealthTick } from '../../harness/health/health-monitor.ts';
import { defaultStarvationThresholds, describeStarvation, inWindows, starvedMsWithin, starvedWindows } from '../../harness/health/starved-windows.ts';
import type { CellError, GateResult } from '../../harness/results.ts';
import { judgeWithStarvation, type VerdictInput } from '../../harness/runner/starvation-verdict.ts';

const tick = (atMs: number, over: Partial<HealthTick> = {}): HealthTick => ({ atMs, loopDelayMs: 5, throttledMs: 0, pressureShare: 0.9, stealShare: 0, ...over });
const quietTicks = (fromMs: number, toMs: number) => Array.from({ length: (toMs - fromMs) / 100 }, (_, i) => tick(fromMs + (i + 1) * 100));

describe('starved windows', () => {
  it('a quiet run has none, however busy the machine (CPU pressure alone is no evidence)', () => {
    const windows = starvedWindows({ ticks: quietTicks(0, 5000), sentinel: [{ atMs: 100, lateMs: 40 }], lateSends: [] }, defaultStarvationThresholds);
    expect(windows).toEqual([]);
  });

  it('a sentinel pause becomes a window covering the pause, with its length', () => {
    const windows = starvedWindows({ ticks: [], sentinel: [{ atMs: 2000, lateMs: 840 }], lateSends: [] }, defaultStarvationThresholds);
    expect(windows).toEqual([{ startMs: 2000 - 100 - 840, endMs: 2000, causes: { 'machine-paused': 840 } }]);
    expect(describeStarvation(windows)).toBe('the machine paused the harness for up to 840 ms');
  });

  it('throttled ticks next to each other join into one window that sums the throttling', () => {
    const ticks = [tick(1000, { throttledMs: 80 }), tick(1100, { throttledMs: 90 }), tick(1200, { throttledMs: 5 }), tick(3000, { throttledMs: 50 })];
    const windows = starvedWindows({ ticks, sentinel: [], lateSends: [] }, defaultStarvationThresholds);
    expect(windows.map((w) => [w.startMs, w.endMs, w.causes['cpu-throttled']])).toEqual([
      [900, 1100, 170],
      [2900, 3000, 50],
    ]);
  });

  it('late sends and a blocked event loop are evidence; several causes share a window', () => {
    const windows = starvedWindows(
      { ticks: [tick(1000, { loopDelayMs: 300 })], sentinel: [], lateSends: [{ scheduledMs: 700, sentMs: 950 }] },
      defaultStarvationThresholds,
    );
    expect(windows).toHaveLength(1);
    expect(windows[0]!.causes).toEqual({ 'harness-blocked': 300, 'probes-late': 250 });
    expect(describeStarvation(windows)).toContain("the harness's event loop was blocked for up to 300 ms");
  });

  it('measures overlap with a margin, and starved time within a span', () => {
    const windows = [{ startMs: 1000, endMs: 1500, causes: {} }];
    expect(inWindows(windows, 1600, 1700, 0)).toBe(false);
    expect(inWindows(windows, 1600, 1700, 250)).toBe(true);
    expect(starvedMsWithin(windows, 1200, 3000)).toBe(300);
  });
});

const gate = (passed: boolean): GateResult => ({ name: 'failedRequests', scope: 'upgrade', threshold: 0, actual: passed ? 0 : 12, passed });
const productError = (message: string): CellError => ({ code: 'REPLICA_NOT_READY', message, hint: null, kind: 'product' });
const input = (over: Partial<VerdictInput>): VerdictInput => ({
  status: 'failed',
  error: null,
  thrown: undefined,
  gates: [gate(false)],
  windows: [{ startMs: 1000, endMs: 3000, causes: { 'cpu-throttled': 1900 } }],
  gatesOutsideWindows: () => [gate(true)],
  failedPhase: { name: 'upgrade', startMs: 0, endMs: 10_000 },
  ...over,
});

describe('the verdict under starvation', () => {
  it('gates broken only by requests in starved windows: an error that says what starved, not a failure', () => {
    const verdict = judgeWithStarvation(input({}));
    expect(verdict.status).toBe('error');
    expect(verdict.error).toMatchObject({ code: 'STARVED', kind: 'infrastructure' });
    expect(verdict.error!.message).toContain('the CPU quota throttled the run for 1900 ms');
    expect(verdict.error!.hint).toContain('quieter runner');
  });

  it('failures outside the windows still break the gates: the product failed', () => {
    expect(judgeWithStarvation(input({ gatesOutsideWindows: () => [gate(false)] }))).toMatchObject({ status: 'failed', error: null });
  });

  it('no starvation: the verdict stands, and a passed cell stays passed', () => {
    expect(judgeWithStarvation(input({ windows: [] })).status).toBe('failed');
    expect(judgeWithStarvation(input({ status: 'passed', gates: [gate(true)] })).status).toBe('passed');
  });

  it('a readiness timeout in a phase starved for a real share of it is not blamed on the product', () => {
    const thrown = new UpgradeFailedError('replica r3 (1.1.0) was not ready within 15000 ms', { code: 'REPLICA_NOT_READY', timingDependent: true });
    const verdict = judgeWithStarvation(input({ error: productError(thrown.message), thrown }));
    expect(verdict.status).toBe('error');
    expect(verdict.error!.message).toMatch(/^replica r3 \(1\.1\.0\) was not ready within 15000 ms - but the machine was starved for 2000 ms of the 10000 ms of upgrade/);
  });

  it('a replica that crashed is the product whatever the machine did', () => {
    const thrown = new UpgradeFailedError('replica r3 (1.1.0) exited before it was ready', { code: 'REPLICA_NOT_READY' });
    expect(judgeWithStarvation(input({ error: productError(thrown.message), thrown })).status).toBe('failed');
  });

  it('a timeout with starvation in only a sliver of its phase is still the product', () => {
    const thrown = new UpgradeFailedError('not ready', { code: 'REPLICA_NOT_READY', timingDependent: true });
    const windows = [{ startMs: 1000, endMs: 1500, causes: { 'machine-paused': 500 } }];
    expect(judgeWithStarvation(input({ error: productError('not ready'), thrown, windows })).status).toBe('failed');
  });
});

describe('a cell past its deadline on a starved machine', () => {
  it('stays an error, and says what starved it', () => {
    const error: CellError = { code: 'DEADLINE', message: 'the cell ran past its deadline of 180000 ms', hint: null, kind: 'infrastructure' };
    const verdict = judgeWithStarvation(input({ status: 'error', error }));
    expect(verdict).toMatchObject({ status: 'error', error: { code: 'DEADLINE' } });
    expect(verdict.error!.message).toBe('the cell ran past its deadline of 180000 ms, starved: the CPU quota throttled the run for 1900 ms');
  });
});

describe('an environment that could not be provided on a starved machine', () => {
  it('stays an error, and says what starved it when the phase was starved', () => {
    const error: CellError = { code: 'INFRA', message: 'timed out after 10000 ms waiting for the front door process to listen', hint: null, kind: 'infrastructure' };
    expect(judgeWithStarvation(input({ status: 'error', error })).error!.message).toBe(`${error.message}, starved: the CPU quota throttled the run for 1900 ms`);
    const briefly = [{ startMs: 1000, endMs: 1200, causes: { 'machine-paused': 150 } }];
    expect(judgeWithStarvation(input({ status: 'error', error, windows: briefly })).error!.message).toBe(error.message);
  });
});
