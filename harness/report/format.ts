// Number and text formatting shared by every report, so a figure reads the same in each file.
import type { CellResult, ErrorBudget, Outage } from '../results.ts';

/** 842 -> "842 ms", 1420 -> "1.42 s", 125000 -> "2 min 5 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${trimZeros((ms / 1000).toFixed(2))} s`;
  const minutes = Math.floor(abs / 60_000);
  const seconds = Math.round((abs % 60_000) / 1000);
  return `${ms < 0 ? '-' : ''}${minutes} min ${seconds} s`;
}

/**
 * 0.99957 -> "99.957%". Rounds down: 0.9999999 must not read as a perfect 100%.
 */
export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '-';
  if (ratio >= 1) return '100%';
  const floored = Math.floor(ratio * 100_000) / 1000;
  return `${trimZeros(floored.toFixed(3))}%`;
}

/** Counts may be fractional (allowed failures = (1 - slo) x requests). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '-';
  return Number.isInteger(n) ? String(n) : trimZeros(n.toFixed(1));
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** "12 of 40 left", or "over by 5 (allowed 40)" once the budget is spent. */
/**
 * The error budget where it means something: an availability gate judges the cell and the budget
 * allows at least one failure. Otherwise "n/a" with why: a passed recreate cell "over by 45"
 * of a budget nobody gated on says nothing true.
 */
export function budgetWhereMeaningful(budget: ErrorBudget | null, gates: readonly { name: string }[]): string {
  if (!budget) return '-';
  if (!gates.some((gate) => gate.name === 'availability')) return 'n/a (no availability gate)';
  if (budget.allowedFailures < 1) return `n/a (${formatPercent(budget.slo)} of these requests allows no failure)`;
  return formatBudget(budget);
}

export function formatBudget(budget: ErrorBudget | null): string {
  if (!budget) return '-';
  if (budget.remaining < 0) return `over by ${formatCount(-budget.remaining)} (allowed ${formatCount(budget.allowedFailures)})`;
  return `${formatCount(budget.remaining)} of ${formatCount(budget.allowedFailures)} left`;
}

/**
 * "http-5xx 3, timeout 1; front door saw reset 3": an outage's failure classes, then what the
 * front door saw upstream for the requests it answered itself.
 */
export function formatOutageCauses(outage: Outage): string {
  const classes = Object.entries(outage.causes).map(([cause, n]) => `${cause} ${n}`).join(', ');
  // results.json files written before upstream causes existed have none.
  const upstream = Object.entries(outage.upstreamCauses ?? {}).map(([cause, n]) => `${cause} ${n}`).join(', ');
  return upstream ? `${classes}; front door saw ${upstream}` : classes;
}

/** Gate figures in their own unit: availability as a percent, durations in ms, counts as counts. */
export function formatGateValue(gateName: string, value: number): string {
  if (/availability/i.test(gateName)) return formatPercent(value);
  return formatCount(value);
}

/** "longestOutageMs 842 > 0": one breached gate, readable in CI logs. */
export function describeBreach(gate: { name: string; threshold: number; actual: number; scope: string }): string {
  const comparator = /availability/i.test(gate.name) ? '<' : '>';
  const scope = gate.scope === 'rollback' ? 'rollback ' : '';
  return `${scope}${gate.name} ${formatGateValue(gate.name, gate.actual)} ${comparator} ${formatGateValue(gate.name, gate.threshold)}`;
}

export function failingGates(cell: CellResult): string[] {
  return cell.gates.filter((gate) => !gate.passed).map(describeBreach);
}

/** Hop label used as a grid row and in headings. */
export function hopLabel(cell: { from: string; to: string; via?: string[] }): string {
  return [cell.from, ...(cell.via ?? []), cell.to].join(' → ');
}
