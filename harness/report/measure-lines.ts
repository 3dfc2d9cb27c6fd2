// A cell's measures as named values: the plain-text view used in junit.xml (`key: value` lines in
// <system-out>, and <property> entries that CI tools index).
import type { CellResult, ErrorBudget, Integrity, TrafficSummary } from '../results.ts';
import { formatCount, formatPercent } from './format.ts';

export type Measure = readonly [name: string, value: string];

function trafficMeasures(traffic: TrafficSummary, prefix: string): Measure[] {
  return [
    [`${prefix}requests`, String(traffic.requests)],
    [`${prefix}failures`, String(traffic.failures)],
    [`${prefix}availability`, formatPercent(traffic.availability)],
    [`${prefix}downtimeMs`, formatCount(traffic.downtimeMs)],
    [`${prefix}longestOutageMs`, formatCount(traffic.longestOutageMs)],
    [`${prefix}outages`, String(traffic.outages.length)],
    [`${prefix}latencyP50Ms`, formatCount(traffic.latencyMs.p50)],
    [`${prefix}latencyP95Ms`, formatCount(traffic.latencyMs.p95)],
    [`${prefix}latencyP99Ms`, formatCount(traffic.latencyMs.p99)],
  ];
}

function budgetMeasures(budget: ErrorBudget, prefix: string): Measure[] {
  return [
    [`${prefix}errorBudgetSlo`, String(budget.slo)],
    [`${prefix}errorBudgetAllowedFailures`, formatCount(budget.allowedFailures)],
    [`${prefix}errorBudgetConsumedFailures`, formatCount(budget.consumedFailures)],
    [`${prefix}errorBudgetRemaining`, formatCount(budget.remaining)],
  ];
}

function integrityMeasures(integrity: Integrity, prefix: string): Measure[] {
  return [
    [`${prefix}writesAcknowledged`, String(integrity.writesAcknowledged)],
    [`${prefix}lostWrites`, String(integrity.writesLost)],
    [`${prefix}duplicateWrites`, String(integrity.duplicates)],
  ];
}

export function cellMeasures(cell: CellResult): Measure[] {
  const measures: Measure[] = [];
  if (cell.traffic) measures.push(...trafficMeasures(cell.traffic, ''));
  if (cell.errorBudget) measures.push(...budgetMeasures(cell.errorBudget, ''));
  if (cell.integrity) measures.push(...integrityMeasures(cell.integrity, ''));
  if (cell.rollback) {
    measures.push(...trafficMeasures(cell.rollback.traffic, 'rollback.'));
    measures.push(...budgetMeasures(cell.rollback.errorBudget, 'rollback.'));
    if (cell.rollback.integrity) measures.push(...integrityMeasures(cell.rollback.integrity, 'rollback.'));
  }
  return measures;
}

export function cellMeasureLines(cell: CellResult): string[] {
  return cellMeasures(cell).map(([name, value]) => `${name}: ${value}`);
}
