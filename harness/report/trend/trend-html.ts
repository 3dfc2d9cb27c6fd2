// trend.html: how a matrix's cells moved over earlier runs, for the release manager asking "is this
// getting better?". One self-contained file like report.html; it runs no script at all.
import type { CellStatus } from '../../results.ts';
import { formatCount, formatMs } from '../format.ts';
import { reportCss } from '../html-assets.ts';
import { cellAnchor, type Content, documentHead, emptyNote, esc, panel, raw, table } from '../html-parts.ts';
import { countStatuses, overallStatus, statusOrder } from '../verdict.ts';
import type { CellTrend, DoraFigures, MatrixTrend, TrendPoint, TrendRun } from './trend-figures.ts';
import { type ChartPoint, renderLineChart } from './trend-svg.ts';

// Nothing may be fetched or run: the page is read from file:, often as a CI artifact.
const contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const trendCss = `
.note { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 6px 12px; margin: 8px 0; }
.matrix { margin: 18px 0 32px; }
.trend-cell { scroll-margin-top: 16px; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; margin: 14px 0; }
.trend-cell h3 { text-transform: none; letter-spacing: 0; font-size: 14px; color: var(--ink); }
.charts { display: flex; flex-wrap: wrap; gap: 12px; margin: 6px 0 10px; }
svg.trend-chart { font-size: 10px; background: var(--soft); border-radius: 4px; }
svg.trend-chart .line { fill: none; stroke: #0969da; stroke-width: 1.5; }
svg.trend-chart .axis line { stroke: #8c959f; } svg.trend-chart text { fill: #57606a; }
svg.trend-chart circle.point { fill: #0969da; } svg.trend-chart circle.point.status-failed { fill: var(--fail); }
svg.trend-chart .gap line { stroke: #8c959f; stroke-width: 2; }
.edited { display: inline-block; background: #fff8c5; border: 1px solid #d4a72c; border-radius: 10px; padding: 0 6px; font-size: 12px; margin-left: 4px; }
.absent { color: #57606a; }
td.figure { text-align: right; white-space: nowrap; }
`;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function statusBadge(status: CellStatus): Content {
  return raw(`<span class="status-${status}"><span class="badge">${esc(status)}</span></span>`);
}

function runLabel(run: TrendRun): Content {
  const edited = run.matrixEdited ? `<span class="edited" title="${esc("its matrix file differs (by digest) from the latest run's")}">matrix edited</span>` : '';
  return raw(`#${run.number} <code>${esc(run.results.runId)}</code>${edited}`);
}

function doraPanel(dora: DoraFigures): string {
  const judged = dora.runs - dora.runsWithoutVerdict;
  const rate =
    dora.changeFailureRate === null
      ? 'no run had a verdict'
      : `${Math.round(dora.changeFailureRate * 100)}%: ${dora.failedRuns} of ${plural(judged, 'run')} had a failed cell`;
  const noVerdict = dora.runsWithoutVerdict
    ? `; ${plural(dora.runsWithoutVerdict, 'run')} had no verdict at all (only error or skipped cells), not counted`
    : '';
  const recovery = dora.rollbackRecovery
    ? `median ${formatMs(dora.rollbackRecovery.medianMs)}, max ${formatMs(dora.rollbackRecovery.maxMs)} over ${plural(dora.rollbackRecovery.rollbacks, 'rollback')}`
    : 'no cell with a verdict rolled back';
  const duration = dora.cellDuration ? `${formatMs(dora.cellDuration.medianMs)} over ${plural(dora.cellDuration.cells, 'cell')} with a verdict` : 'no cell with a verdict';
  return panel('DORA measures for upgrades', table(
    ['measure', 'value'],
    [
      ['change-failure rate', `${rate}${noVerdict}. Error and skipped cells are not failures.`],
      ['rollback recovery (longest outage during rollback)', recovery],
      [
        'time to restore (automatic rollback: trigger to the old version serving)',
        dora.timeToRestore ? `median ${formatMs(dora.timeToRestore.medianMs)}, max ${formatMs(dora.timeToRestore.maxMs)} over ${plural(dora.timeToRestore.rollbacks, 'automatic rollback')}` : 'no automatic rollback in these runs',
      ],
      ['median cell duration', duration],
    ],
  ));
}

function runsPanel(runs: readonly TrendRun[]): string {
  const rows = runs.map((run) => {
    const counts = countStatuses(run.results.cells);
    const summary = statusOrder.filter((status) => counts[status] > 0).map((status) => `${counts[status]} ${status}`).join(', ');
    return [runLabel(run), run.results.startedAt, run.results.cells.length ? statusBadge(overallStatus(run.results.cells)) : null, summary || 'no cells', raw(`<code>${esc(run.file)}</code>`)];
  });
  return panel('Runs, oldest first', table(['run', 'started', 'run status', 'cells', 'file'], rows));
}

// Unique across matrices too: two matrices may well have the same cell keys.
const anchor = (group: number, cell: CellTrend, index: number): string => `m${group}-${cellAnchor(cell.key, index)}`;

function overviewPanel(trend: MatrixTrend, group: number): string {
  const rows = trend.cells.map((cell, index) => [
    raw(`<a href="#${anchor(group, cell, index)}">${esc(cell.key)}</a>`),
    ...cell.points.map((point) => (point.status ? statusBadge(point.status) : raw('<span class="absent">-</span>'))),
  ]);
  return panel('Status per cell and run', table(['cell', ...trend.runs.map((run) => `#${run.number}`)], rows));
}

const figureOf = (value: number | null, format: (n: number) => string): Content => (value === null ? raw('<span class="absent">-</span>') : format(value));

function chartPoints(cell: CellTrend, runs: readonly TrendRun[], pick: (point: TrendPoint) => number | null, format: (n: number) => string): ChartPoint[] {
  return cell.points.map((point, index) => {
    const run = runs[index];
    const value = pick(point);
    const why = point.status === null ? 'not in this run' : value === null ? `${point.status}, no figure` : `${format(value)} (${point.status})`;
    return { value, title: `#${run?.number ?? index + 1} ${run?.results.runId ?? ''}: ${why}`, className: point.status ? `status-${point.status}` : '' };
  });
}

function cellSection(trend: MatrixTrend, group: number, cell: CellTrend, index: number): string {
  const first = `#${trend.runs[0]?.number ?? 1}`;
  const last = `#${trend.runs.at(-1)?.number ?? 1}`;
  const charts = [
    renderLineChart({ label: 'longest outage', points: chartPoints(cell, trend.runs, (p) => p.longestOutageMs, formatMs), format: formatMs, firstLabel: first, lastLabel: last }),
    renderLineChart({ label: 'failed requests', points: chartPoints(cell, trend.runs, (p) => p.failures, formatCount), format: formatCount, firstLabel: first, lastLabel: last }),
    renderLineChart({ label: 'p99 latency', points: chartPoints(cell, trend.runs, (p) => p.p99Ms, formatMs), format: formatMs, firstLabel: first, lastLabel: last }),
  ];
  const rows = cell.points.map((point, i) => {
    const run = trend.runs[i];
    return [
      run ? runLabel(run) : null,
      point.status ? statusBadge(point.status) : raw('<span class="absent">not in this run</span>'),
      figureOf(point.longestOutageMs, formatMs),
      figureOf(point.failures, formatCount),
      figureOf(point.p99Ms, formatMs),
    ];
  });
  return [
    `<section class="trend-cell" id="${anchor(group, cell, index)}">`,
    `<h3><code>${esc(cell.key)}</code></h3>`,
    `<div class="charts">${charts.join('')}</div>`,
    table(['run', 'status', 'longest outage', 'failed requests', 'p99 latency'], rows),
    '</section>',
  ].join('\n');
}

function matrixSection(trend: MatrixTrend, group: number): string {
  const edited = trend.runs.filter((run) => run.matrixEdited).length;
  return [
    `<section class="matrix">`,
    `<h2>Matrix ${esc(trend.matrix)}: ${esc(plural(trend.runs.length, 'run'))}, ${esc(plural(trend.cells.length, 'cell key'))}</h2>`,
    ...(edited ? [`<p class="note">${esc(`${plural(edited, 'run')} used another version of this matrix file than the latest run (marked "matrix edited"): their cells may have had other gates or traffic.`)}</p>`] : []),
    doraPanel(trend.dora),
    runsPanel(trend.runs),
    trend.cells.length ? overviewPanel(trend, group) : emptyNote('no cells in these runs'),
    ...trend.cells.map((cell, index) => cellSection(trend, group, cell, index)),
    '</section>',
  ].join('\n');
}

export function renderTrendHtml(trends: readonly MatrixTrend[], source: string): string {
  const runs = trends.reduce((sum, trend) => sum + trend.runs.length, 0);
  const names = trends.map((trend) => trend.matrix).join(', ');
  const mixed =
    trends.length > 1
      ? [`<p class="note">${esc(`This folder holds runs of ${trends.length} matrices (${trends.map((t) => `${t.matrix}: ${plural(t.runs.length, 'run')}`).join(', ')}); each is shown on its own, never mixed.`)}</p>`]
      : [];
  return [
    ...documentHead({ title: `Upgrade trend: ${names} (${plural(runs, 'run')})`, contentSecurityPolicy, css: reportCss + trendCss }),
    '<header id="top">',
    `<h1>Upgrade trend: ${esc(names)}</h1>`,
    `<p class="meta">${esc(`${plural(runs, 'run')} read from ${source}. Figures of error and skipped cells are gaps: those cells gave no verdict.`)}</p>`,
    ...mixed,
    '</header>',
    ...trends.map((trend, group) => matrixSection(trend, group)),
    '</body></html>',
    '',
  ].join('\n');
}
