// A finished cell's figures and verdict: its traffic measured, its gates judged, and the verdict
// checked against the harness's own health (see starvation-verdict.ts).
import { UpgradeFailedError } from '../errors.ts';
import type { Cell } from '../matrix/cell.ts';
import { cellHealth } from '../health/cell-health.ts';
import type { HealthMonitor } from '../health/health-monitor.ts';
import { inWindows, type StarvedWindow } from '../health/starved-windows.ts';
import { filterRecords } from '../measure/filter-records.ts';
import { phaseIndexAt, phaseNameAt } from '../measure/phase-lookup.ts';
import type { CellError, CellResult, MeasurementHealth } from '../results.ts';
import { measureCell, type CellMeasurements } from './measure-cell.ts';
import { judgeWithStarvation } from './starvation-verdict.ts';
import { isoAt, type Timeline } from './timeline.ts';

export interface CellOutcome {
  /** What the cell's steps threw, and as results.json describes it. */
  thrown: unknown;
  error: CellError | null;
}

type Judged = Pick<CellResult, 'traffic' | 'errorBudget' | 'integrity' | 'rollback' | 'gates' | 'status' | 'error' | 'measurement'>;

export function judgeCell(cell: Cell, timeline: Timeline, m: CellMeasurements, outcome: CellOutcome, health: HealthMonitor, toMs: number): Judged {
  const measured = measureCell(cell, timeline, m);
  const { windows, figures } = cellHealth(health, timeline.originMs, toMs, m.probes, cell.starvation);
  const measurement: MeasurementHealth = { ...figures, starved: windows.map((window) => starvedSpan(window, timeline)) };
  // An interrupted cell keeps its partial figures, but nothing the interrupt itself caused (writes
  // cut off, replicas stopped) may read as a finding: no gate is judged.
  if (outcome.error?.kind === 'aborted') {
    // Writes the interrupt cut off read as lost, components it stopped as restarted: none of that happened.
    const rollback = measured.rollback && { ...measured.rollback, integrity: null };
    return { ...measured, integrity: null, rollback, gates: [], status: 'skipped', error: outcome.error, measurement };
  }
  const status = outcome.error ? (outcome.error.kind === 'product' ? 'failed' : 'error') : measured.gates.every((gate) => gate.passed) ? 'passed' : 'failed';
  const margin = cell.starvation.marginMs;
  const outside = (records: (typeof m.probes)[number]['records']) =>
    filterRecords(records, (i) => !inWindows(windows, records.sentMs(i), records.sentMs(i) + records.durationMs(i), margin));
  const verdict = judgeWithStarvation({
    status,
    error: outcome.error,
    thrown: outcome.thrown,
    gates: measured.gates,
    windows,
    gatesOutsideWindows: () => measureCell(cell, timeline, { ...m, probes: m.probes.map((probe) => ({ name: probe.name, records: outside(probe.records) })) }).gates,
    failedPhase: timeline.spansMs().findLast((span) => span.name !== 'teardown') ?? null,
  });
  return { ...measured, ...baselineVerdict(cell, measured, outcome.thrown, verdict), measurement };
}

const TRAFFIC_GATES = new Set(['failedRequests', 'longestOutageMs', 'availability', 'p99LatencyMs']);

/**
 * Warm-up is the steady state the upgrade is measured against: only `from` runs and nothing has
 * changed yet. When requests already fail there, the environment did not serve cleanly (a starved
 * machine the health monitor did not catch, a flaky old version), and a red verdict would blame
 * the upgrade for it; the cell gets no verdict instead, as a chaos experiment whose steady state
 * does not hold before it starts is not run.
 */
export function baselineVerdict(cell: Cell, measured: Pick<CellResult, 'traffic' | 'gates'>, thrown: unknown, verdict: Pick<CellResult, 'status' | 'error'>): Pick<CellResult, 'status' | 'error'> {
  const warmUp = measured.traffic?.byPhase['warm-up'];
  if (verdict.status !== 'failed' || !warmUp || warmUp.failures === 0) return verdict;
  // Only a verdict that rests on how requests fared: a crash, a wrong version, a lost write or a
  // restarted component is evidence of its own, whatever the warm-up saw.
  const onTraffic = verdict.error
    ? thrown instanceof UpgradeFailedError && thrown.timingDependent
    : measured.gates.filter((gate) => !gate.passed).every((gate) => TRAFFIC_GATES.has(gate.name));
  if (!onTraffic) return verdict;
  const said = verdict.error ? verdict.error.message.split('\n')[0] : 'its gates broke';
  return {
    status: 'error',
    error: {
      code: 'BASELINE_FAILED',
      message: `${warmUp.failures} of ${warmUp.requests} requests failed during warm-up, before the upgrade began, while only ${cell.from} ran: the environment did not serve cleanly, so ${said} is no verdict on the upgrade`,
      hint: 'rerun on a quieter runner; if it persists, the old version itself fails under this traffic (see the warm-up failures in requests.csv)',
      kind: 'infrastructure',
    },
  };
}

function starvedSpan(window: StarvedWindow, timeline: Timeline): MeasurementHealth['starved'][number] {
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    start: isoAt(window.startMs),
    end: isoAt(window.endMs),
    startMs: round(window.startMs - timeline.originMs),
    endMs: round(window.endMs - timeline.originMs),
    durationMs: round(window.endMs - window.startMs),
    phase: phaseNameAt(timeline.spansMs(), phaseIndexAt(timeline.spansMs(), window.startMs)),
    causes: window.causes,
  };
}
