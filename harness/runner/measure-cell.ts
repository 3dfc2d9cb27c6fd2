import { evaluateGates } from '../gates/evaluate-gates.ts';
import type { Cell } from '../matrix/cell.ts';
import { errorBudget } from '../measure/error-budget.ts';
import { summarizeProbes } from '../measure/summarize-probes.ts';
import type { CellResult, GateResult, Integrity, TrafficSummary } from '../results.ts';
import type { RecordStore } from '../traffic/record-store.ts';
import type { Timeline } from './timeline.ts';

export interface CellMeasurements {
  probes: { name: string; records: RecordStore }[];
  /** The upgrade is judged from the start of traffic to the rollback (or the end of traffic). */
  upgradeWindow: { fromMs: number; toMs: number };
  rollbackWindow: { fromMs: number; toMs: number } | null;
  integrity: Integrity | null;
  rollbackIntegrity: Integrity | null;
  /** null when the components were never compared (the cell broke before the install finished). */
  unintendedRestarts: number | null;
}

type Measured = Pick<CellResult, 'traffic' | 'errorBudget' | 'integrity' | 'rollback' | 'gates'>;

/** Figures and gate verdicts of a cell, for the upgrade and (separately) for the rollback. */
export function measureCell(cell: Cell, timeline: Timeline, m: CellMeasurements): Measured {
  // Only the phases the window overlaps: the upgrade's figures list no rollback phase, and the other way round.
  const summarize = (window: { fromMs: number; toMs: number }): TrafficSummary =>
    summarizeProbes(m.probes, {
      ...window,
      originMs: timeline.originMs,
      phases: timeline.spansMs().filter((phase) => phase.endMs > window.fromMs && phase.startMs < window.toMs),
    });
  if (m.probes.length === 0) return { traffic: null, errorBudget: null, integrity: m.integrity, rollback: null, gates: [] };
  const upgrade = summarize(m.upgradeWindow);
  const rollback = m.rollbackWindow ? summarize(m.rollbackWindow) : null;
  const { unintendedRestarts: restartLimit, ...trafficGates } = cell.gates;
  const gates: GateResult[] = [
    ...evaluateGates(trafficGates, { traffic: upgrade, integrity: m.integrity }, 'upgrade'),
    ...(rollback ? evaluateGates(trafficGates, { traffic: rollback, integrity: m.rollbackIntegrity }, 'rollback') : []),
    ...evaluateGates({ unintendedRestarts: restartLimit }, { traffic: upgrade, integrity: null, unintendedRestarts: m.unintendedRestarts }, 'cell'),
  ];
  return {
    traffic: upgrade,
    errorBudget: errorBudget(upgrade.requests, upgrade.failures, cell.slo),
    integrity: m.integrity,
    rollback: rollback && { traffic: rollback, errorBudget: errorBudget(rollback.requests, rollback.failures, cell.slo), integrity: m.rollbackIntegrity },
    gates,
  };
}

/** Gates on the traffic so far, for a canary's check between steps. */
export function gatesSoFar(cell: Cell, timeline: Timeline, probes: { name: string; records: RecordStore }[], fromMs: number, toMs: number): GateResult[] {
  const { unintendedRestarts: _, lostWrites: __, ...trafficGates } = cell.gates;
  const traffic = summarizeProbes(probes, { fromMs, toMs, originMs: timeline.originMs, phases: timeline.spansMs() });
  return evaluateGates(trafficGates, { traffic, integrity: null }, 'upgrade');
}
