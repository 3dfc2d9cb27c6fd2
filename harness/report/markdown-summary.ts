// summary.md: a compact table for CI job summaries and pull requests. The first line is the verdict.
import { cellCause } from './cell-cause.ts';
import type { CellResult, CellStatus, RunResults } from '../results.ts';
import { budgetWhereMeaningful, failingGates, formatCount, formatMs, formatPercent } from './format.ts';
import { overallStatus, verdictLine } from './verdict.ts';
import { provenanceLine } from './provenance-text.ts';

const statusMark: Record<CellStatus, string> = { passed: '✅', failed: '❌', error: '⚠️', skipped: '⏭️' };

/**
 * Table cells stay on one line and cannot end the cell early. Only a `<` that could open an HTML
 * tag is escaped, so "93% < 99.9%" still reads well in a terminal.
 */
export function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/<(?=[A-Za-z/!?])/g, '&lt;');
}

/** Inline code that survives backticks in the text (CommonMark: a longer fence, padded). */
export function mdCode(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = longestRun > 0 ? ' ' : '';
  return `${fence}${pad}${text.replace(/[\r\n]+/g, ' ')}${pad}${fence}`;
}

function row(cell: CellResult): string {
  const traffic = cell.traffic;
  const gates = failingGates(cell);
  const problem = cell.cause ?? cellCause(cell) ?? (gates.length ? gates.join('; ') : '');
  const values = [
    mdCode(cell.id),
    `${statusMark[cell.status]} ${cell.status}`,
    traffic ? formatMs(traffic.longestOutageMs) : '-',
    traffic ? formatPercent(traffic.availability) : '-',
    traffic ? formatCount(traffic.failures) : '-',
    budgetWhereMeaningful(cell.errorBudget, cell.gates.filter((gate) => gate.scope !== 'rollback')),
    problem,
  ];
  return `| ${values.map((value, index) => (index === 0 ? value.replace(/\|/g, '\\|') : mdCell(value))).join(' | ')} |`;
}

export function renderMarkdownSummary(results: RunResults): string {
  const lines = [
    `${statusMark[overallStatus(results.cells)]} **${mdCell(results.matrix)}: ${mdCell(verdictLine(results.cells))}**`,
    '',
    `Run \`${results.runId}\`, ${results.startedAt} to ${results.finishedAt}.`,
    ...(results.provenance ? ['', mdCell(provenanceLine(results.provenance))] : []),
    '',
    '| cell | status | longest outage | availability | failed requests | error budget | cause |',
    '| --- | --- | ---: | ---: | ---: | --- | --- |',
    ...results.cells.map(row),
  ];
  const toReproduce = results.cells.filter((cell) => cell.status === 'failed' || cell.status === 'error');
  if (toReproduce.length) {
    lines.push('', 'Reproduce:', '', ...toReproduce.map((cell) => `- ${mdCode(cell.reproduce)}`));
  }
  return `${lines.join('\n')}\n`;
}
