// A cell's measures as `key: value` lines: the plain-text view used in junit.xml's <system-out>.
import type { CellResult, ErrorBudget, Integrity, TrafficSummary } from '../results.ts';
import { formatCount, formatPercent } from './format.ts';

function trafficLines(traffic: TrafficSummary, prefix: string): string[] {
  return [
    `${prefix}requests: ${traffic.requests}`,
    `${prefix}failures: ${traffic.failures}`,
    `${prefix}availability: ${formatPercent(traffic.availability)}`,
    `${prefix}downtimeMs: ${formatCount(traffic.downtimeMs)}`,
    `${prefix}longestOutageMs: ${formatCount(traffic.longestOutageMs)}`,
    `${prefix}outages: ${traffic.outages.length}`,
    `${prefix}latencyP50Ms: ${formatCount(traffic.latencyMs.p50)}`,
    `${prefix}latencyP95Ms: ${formatCount(traffic.latencyMs.p95)}`,
    `${prefix}latencyP99Ms: ${formatCount(traffic.latencyMs.p99)}`,
  ];
}

function budgetLines(budget: ErrorBudget, prefix: string): string[] {
  return [
    `${prefix}errorBudgetSlo: ${budget.slo}`,
    `${prefix}errorBudgetAllowedFailures: ${formatCount(budget.allowedFailures)}`,
    `${prefix}errorBudgetConsumedFailures: ${formatCount(budget.consumedFailures)}`,
    `${prefix}errorBudgetRemaining: ${formatCount(budget.remaining)}`,
  ];
}

function integrityLines(integrity: Integrity, prefix: string): string[] {
  return [
    `${prefix}writesAcknowledged: ${integrity.writesAcknowledged}`,
    `${prefix}lostWrites: ${integrity.writesLost}`,
    `${prefix}duplicateWrites: ${integrity.duplicates}`,
  ];
}

export function cellMeasureLines(cell: CellResult): string[] {
  const lines: string[] = [];
  if (cell.traffic) lines.push(...trafficLines(cell.traffic, ''));
  if (cell.errorBudget) lines.push(...budgetLines(cell.errorBudget, ''));
  if (cell.integrity) lines.push(...integrityLines(cell.integrity, ''));
  if (cell.rollback) {
    lines.push(...trafficLines(cell.rollback.traffic, 'rollback.'));
    lines.push(...budgetLines(cell.rollback.errorBudget, 'rollback.'));
    if (cell.rollback.integrity) lines.push(...integrityLines(cell.rollback.integrity, 'rollback.'));
  }
  return lines;
}
