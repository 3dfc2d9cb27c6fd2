// report.html: one self-contained page a release manager opens first. Verdict line, overview grid,
// filters, then one detail section per cell. Built as strings: no DOM library, no external request.
import { createHash } from 'node:crypto';
import type { RunResults } from '../results.ts';
import { formatMs } from './format.ts';
import { provenanceLine } from './provenance-text.ts';
import { reportCss, reportScript } from './html-assets.ts';
import { renderCellDetail } from './html-cell-detail.ts';
import { type GridEntry, renderGrid } from './html-grid.ts';
import { cellAnchor, documentHead, esc } from './html-parts.ts';
import { countStatuses, overallStatus, statusOrder, verdictLine } from './verdict.ts';

/**
 * Only our own script may run, named by its hash: even if some text escaped escaping,
 * an injected <script> would be refused by the browser. Nothing may be fetched.
 */
function contentSecurityPolicy(): string {
  const scriptHash = createHash('sha256').update(reportScript).digest('base64');
  return `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${scriptHash}'`;
}

function options(label: string, values: readonly string[]): string {
  return [`<option value="">all ${esc(label)}s</option>`, ...values.map((value) => `<option value="${esc(value)}">${esc(value)}</option>`)].join('');
}

function filters(results: RunResults): string {
  const counts = countStatuses(results.cells);
  const boxes = statusOrder
    .map((status) => `<label><input type="checkbox" data-filter="status" value="${status}" checked> ${status} (${counts[status]})</label>`)
    .join(' ');
  const platforms = [...new Set(results.cells.map((cell) => cell.platform))];
  const methods = [...new Set(results.cells.map((cell) => cell.method))];
  return [
    '<form class="filters" aria-label="filters">',
    `<span>${boxes}</span>`,
    `<label>platform <select data-filter="platform">${options('platform', platforms)}</select></label>`,
    `<label>method <select data-filter="method">${options('method', methods)}</select></label>`,
    `<span><strong id="shown-count">${results.cells.length}</strong> of ${results.cells.length} cells shown</span>`,
    '</form>',
  ].join('\n');
}

function header(results: RunResults): string {
  const counts = countStatuses(results.cells);
  const span = Date.parse(results.finishedAt) - Date.parse(results.startedAt);
  const took = Number.isFinite(span) ? ` (${formatMs(span)})` : '';
  return [
    '<header id="top">',
    `<h1>Upgrade report: ${esc(results.matrix)}</h1>`,
    `<p class="meta">run <code>${esc(results.runId)}</code> · ${esc(results.startedAt)} → ${esc(results.finishedAt)}${esc(took)} · matrix file <code>${esc(results.matrixFile)}</code></p>`,
    ...(results.provenance ? [`<p class="meta provenance">${esc(provenanceLine(results.provenance))}</p>`] : []),
    `<p class="verdict status-${overallStatus(results.cells)}">${esc(verdictLine(results.cells))}</p>`,
    `<p class="counts">${statusOrder.map((status) => `<span class="count-${status}">${counts[status]} ${status}</span>`).join('')}</p>`,
    '</header>',
  ].join('\n');
}

export function renderHtmlReport(results: RunResults): string {
  const entries: GridEntry[] = results.cells.map((cell, index) => ({ cell, anchor: cellAnchor(cell.id, index) }));
  return [
    ...documentHead({ title: `${results.matrix}: ${verdictLine(results.cells)}`, contentSecurityPolicy: contentSecurityPolicy(), css: reportCss }),
    header(results),
    filters(results),
    '<h2>Overview</h2>',
    renderGrid(entries),
    '<h2>Cells</h2>',
    // Red first: what blocks the release is what its manager reads; the grid keeps the matrix order.
    ...redFirst(entries).map((entry) => renderCellDetail(entry.cell, entry.anchor)),
    `<script>${reportScript}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

const readingOrder: Record<string, number> = { failed: 0, error: 1, skipped: 2, passed: 3 };

function redFirst(entries: GridEntry[]): GridEntry[] {
  return entries.map((entry, index) => ({ entry, index })).sort((a, b) => (readingOrder[a.entry.cell.status] ?? 9) - (readingOrder[b.entry.cell.status] ?? 9) || a.index - b.index).map(({ entry }) => entry);
}
