// The one-line answer a release manager reads first, shared by the HTML and Markdown reports.
import type { CellResult, CellStatus } from '../results.ts';

export type StatusCounts = Record<CellStatus, number>;

export const statusOrder: readonly CellStatus[] = ['passed', 'failed', 'error', 'skipped'];

export function countStatuses(cells: readonly CellResult[]): StatusCounts {
  const counts: StatusCounts = { passed: 0, failed: 0, error: 0, skipped: 0 };
  for (const cell of cells) counts[cell.status] += 1;
  return counts;
}

/** The worst status present decides the run: failed outranks error (a product verdict), then skipped. */
export function overallStatus(cells: readonly CellResult[]): CellStatus {
  const counts = countStatuses(cells);
  if (counts.failed > 0) return 'failed';
  if (counts.error > 0) return 'error';
  if (counts.passed === 0 && counts.skipped > 0) return 'skipped';
  return 'passed';
}

const shownIds = 3;

function listIds(cells: readonly CellResult[]): string {
  const ids = cells.slice(0, shownIds).map((cell) => cell.id);
  const more = cells.length - ids.length;
  return more > 0 ? `${ids.join(', ')} and ${more} more` : ids.join(', ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * "8 of 8 cells passed", or "2 cells failed: a, b; 1 cell could not run: c; 1 skipped".
 * Names the culprits so nobody has to open the report to know where to look.
 */
export function verdictLine(cells: readonly CellResult[]): string {
  if (cells.length === 0) return 'no cells ran';
  const counts = countStatuses(cells);
  if (counts.passed === cells.length) return `${counts.passed} of ${cells.length} cells passed`;
  const parts: string[] = [];
  const failed = cells.filter((cell) => cell.status === 'failed');
  const errored = cells.filter((cell) => cell.status === 'error');
  if (failed.length) parts.push(`${plural(failed.length, 'cell')} failed: ${listIds(failed)}`);
  if (errored.length) parts.push(`${plural(errored.length, 'cell')} could not complete (error, no verdict): ${listIds(errored)}`);
  if (counts.skipped) parts.push(`${counts.skipped} skipped`);
  parts.push(`${counts.passed} of ${cells.length} passed`);
  return parts.join('; ');
}
