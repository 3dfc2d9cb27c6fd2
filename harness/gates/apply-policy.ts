import picomatch from 'picomatch';
import type { GateThresholds, MethodName, PlatformName } from '../matrix/cell.ts';
import { matches, mergeGates } from '../matrix/expand-matrix.ts';
import type { CellResult, GateResult, RunResults } from '../results.ts';
import { evaluateGates } from './evaluate-gates.ts';
import type { Baselines, CellBaseline } from './cell-baselines.ts';
import type { Policy } from './policy-schema.ts';

export interface CellVerdict {
  id: string;
  passed: boolean;
  gates: GateResult[];
  /** Why the cell does not pass, one line each. */
  problems: string[];
  /** How close a passing cell came to its baseline limits, or why it had none. */
  margins: string[];
}

export interface PolicyVerdict {
  passed: boolean;
  cells: CellVerdict[];
  /** Required globs that match no cell of the run. */
  missing: string[];
}

/**
 * Judges a finished run against a policy. A cell passes when it produced measurements, its upgrade
 * did not fail, and every gate the policy sets for it holds - whatever thresholds the matrix used.
 */
export function applyPolicy(results: RunResults, policy: Policy, baselines?: Baselines): PolicyVerdict {
  const cells = results.cells.map((cell) => {
    const verdict = judgeCell(cell, thresholdsFor(cell, policy));
    const before = baselines?.cells.get(cell.id);
    if (policy.baseline && before && cell.traffic) addBaselineGates(verdict, cell, before, policy.baseline);
    const runs = baselines?.missing.get(cell.id);
    if (policy.baseline && runs !== undefined) verdict.margins.push(`no baseline: passed in ${runs} earlier run${runs === 1 ? '' : 's'}, ${policy.baseline.minRuns} needed`);
    return verdict;
  });
  const missing = policy.require.filter((glob) => !results.cells.some((cell) => picomatch.isMatch(cell.id, glob)));
  const required = (id: string) => policy.require.some((glob) => picomatch.isMatch(id, glob));
  for (const verdict of cells) {
    if (!verdict.passed && required(verdict.id)) verdict.problems.push('required by the policy');
  }
  return { passed: missing.length === 0 && cells.every((cell) => cell.passed), cells, missing };
}

function thresholdsFor(cell: CellResult, policy: Policy): GateThresholds {
  const key = { platform: cell.platform as PlatformName, method: cell.method as MethodName, from: cell.from, to: cell.to };
  return policy.overrides.filter((override) => matches(override.when, key)).reduce((gates, override) => mergeGates(gates, override.gates), mergeGates({}, policy.gates));
}

function judgeCell(cell: CellResult, thresholds: GateThresholds): CellVerdict {
  const problems: string[] = [];
  if (!cell.traffic) {
    problems.push(`no measurements: the cell ${cell.status === 'skipped' ? 'was skipped' : 'did not run to its end'}${cell.error ? ` (${cell.error.message.split('\n')[0]})` : ''}`);
    return { id: cell.id, passed: false, gates: [], problems, margins: [] };
  }
  if (cell.error) problems.push(`the upgrade did not complete: ${cell.error.message.split('\n')[0]}`);
  const { unintendedRestarts: restartLimit, ...trafficGates } = thresholds;
  const restarts = cell.gates.find((gate) => gate.name === 'unintendedRestarts')?.actual ?? null;
  const gates = [
    ...evaluateGates(trafficGates, { traffic: cell.traffic, integrity: cell.integrity }, 'upgrade'),
    ...(cell.rollback ? evaluateGates(trafficGates, { traffic: cell.rollback.traffic, integrity: cell.rollback.integrity }, 'rollback') : []),
    ...evaluateGates({ unintendedRestarts: restartLimit }, { traffic: cell.traffic, integrity: null, unintendedRestarts: restarts }, 'cell'),
  ];
  for (const gate of gates.filter((g) => !g.passed)) {
    problems.push(`${gate.scope} ${gate.name} ${formatNumber(gate.actual)} breaches ${gate.name === 'availability' ? 'minimum' : 'maximum'} ${formatNumber(gate.threshold)}`);
  }
  return { id: cell.id, passed: problems.length === 0, gates, problems, margins: [] };
}

const formatNumber = (value: number): string => String(Math.round(value * 1000) / 1000);

/**
 * Regression against the same cell of earlier runs (OpenShift judges disruption against history
 * the same way): a figure may grow by the policy's factor, plus a slack for tiny baselines.
 */
function addBaselineGates(verdict: CellVerdict, cell: CellResult, before: CellBaseline, limits: NonNullable<Policy['baseline']>): void {
  const figures = [
    ['longestOutageMs', limits.longestOutageMs, before.longestOutageMs, cell.traffic!.longestOutageMs],
    ['p99LatencyMs', limits.p99LatencyMs, before.p99LatencyMs, cell.traffic!.latencyMs.p99],
  ] as const;
  for (const [name, factor, baseline, actual] of figures) {
    if (factor === undefined) continue;
    const threshold = baseline * factor + limits.slackMs;
    const gate: GateResult = { name: `${name} vs baseline`, threshold, actual, passed: actual <= threshold, scope: 'upgrade' };
    verdict.gates.push(gate);
    const said = `${name} ${formatNumber(actual)} against ${formatNumber(baseline)} (${before.source}), limit ${formatNumber(threshold)}`;
    if (gate.passed) {
      verdict.margins.push(`${said}: ${formatNumber(threshold - actual)} to spare`);
    } else {
      verdict.problems.push(`${name} ${formatNumber(actual)} regressed from ${formatNumber(baseline)} (${before.source}; limit ${formatNumber(threshold)})`);
      verdict.passed = false;
    }
  }
}
