// One cell's detail section: verdict, error with hint, timeline, and the tables behind the verdict.
import { cellCause } from './cell-cause.ts';
import { lostWritesText } from './lost-writes-text.ts';
import type { CellResult, ErrorBudget, Integrity, TrafficSummary } from '../results.ts';
import { budgetWhereMeaningful, describeBreach, formatCount, formatGateValue, formatMs, formatOutageCauses, formatPercent, hopLabel } from './format.ts';
import { type Content, emptyNote, esc, panel, raw, safeRelativeHref, table } from './html-parts.ts';
import { renderTimelineSvg } from './html-timeline-svg.ts';

const maxOutageRows = 50;

const legend =
  '<p class="legend"><span class="key ok"></span>ok <span class="key failed"></span>failed <span class="key latency"></span>p95 latency <span class="key outage"></span>outage <span class="key event"></span>event <span class="key starved"></span>harness starved</p>';

function countsTable(title: string, counts: Record<string, number | undefined>, unit: string): string {
  const rows = Object.entries(counts)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => [key, n]);
  return panel(title, rows.length ? table([title.split(' ').pop() ?? '', unit], rows) : emptyNote('none'));
}

function gatesPanel(cell: CellResult): string {
  if (cell.gates.length === 0) return panel('Gates', emptyNote('no gate was checked'));
  const rows = cell.gates.map((gate) => [
    gate.name,
    gate.scope,
    formatGateValue(gate.name, gate.threshold),
    formatGateValue(gate.name, gate.actual),
    raw(gate.passed ? '<span class="pass">pass</span>' : '<span class="fail">FAIL</span>'),
  ]);
  return panel('Gates', table(['gate', 'scope', 'threshold', 'actual', 'result'], rows));
}

function measureRows(traffic: TrafficSummary, budget: ErrorBudget | null, integrity: Integrity | null, gates: CellResult['gates']): Content[][] {
  const rows: Content[][] = [
    ['requests', traffic.requests],
    ['failed requests', traffic.failures],
    ['availability', formatPercent(traffic.availability)],
    ['downtime', formatMs(traffic.downtimeMs)],
    ['longest outage', formatMs(traffic.longestOutageMs)],
    ['outages', traffic.outages.length],
    ['latency p50 / p95 / p99 / max', [traffic.latencyMs.p50, traffic.latencyMs.p95, traffic.latencyMs.p99, traffic.latencyMs.max].map(formatMs).join(' / ')],
  ];
  if (budget) {
    const shown = budgetWhereMeaningful(budget, gates);
    rows.push(['error budget', shown.startsWith('n/a') ? shown : `${shown} (SLO ${formatPercent(budget.slo)}, consumed ${formatCount(budget.consumedFailures)})`]);
  }
  if (integrity) {
    const why = lostWritesText(integrity);
    rows.push(['writes acknowledged / lost / duplicated', `${integrity.writesAcknowledged} / ${integrity.writesLost} / ${integrity.duplicates}${why ? ` (lost: ${why})` : ''}`]);
    if (integrity.lostExamples?.length) rows.push(['lost writes, for example', integrity.lostExamples.join('; ')]);
  }
  return rows;
}

function outagesPanel(traffic: TrafficSummary): string {
  if (traffic.outages.length === 0) return panel('Outages', emptyNote('no outage: every request between the first and the last succeeded'));
  const rows = traffic.outages.slice(0, maxOutageRows).map((outage) => [
    `+${formatMs(outage.startMs)}`,
    formatMs(outage.durationMs),
    outage.phase,
    outage.failures,
    formatOutageCauses(outage),
  ]);
  const more = traffic.outages.length - rows.length;
  return panel('Outages', table(['starts', 'duration', 'phase', 'failed requests', 'causes'], rows) + (more > 0 ? emptyNote(`and ${more} more (see results.json)`) : ''));
}

function phasesPanel(traffic: TrafficSummary): string {
  const rows = Object.entries(traffic.byPhase).map(([phase, figures]) => [
    phase,
    figures.requests,
    figures.failures,
    [figures.latencyMs.p50, figures.latencyMs.p95, figures.latencyMs.p99].map(formatMs).join(' / '),
  ]);
  return panel('Traffic by phase', rows.length ? table(['phase', 'requests', 'failed', 'p50 / p95 / p99'], rows) : emptyNote('no traffic'));
}

/** Each probe on its own: a browser journey failing while plain requests pass points at the page, not the service. */
function probesPanel(traffic: TrafficSummary): string {
  // results.json files written before per-probe figures existed have none.
  const probes = Object.entries(traffic.byProbe ?? {});
  if (probes.length === 0) return '';
  const rows = probes.map(([probe, figures]) => [
    probe,
    figures.requests,
    figures.failures,
    formatPercent(figures.availability),
    formatMs(figures.longestOutageMs),
    [figures.latencyMs.p50, figures.latencyMs.p95, figures.latencyMs.p99].map(formatMs).join(' / '),
  ]);
  return panel('Traffic by probe', table(['probe', 'requests', 'failed', 'availability', 'longest outage', 'p50 / p95 / p99'], rows));
}

/** The epoch of the cell's clock, from a phase that carries both its ISO start and its offset. */
function originOf(cell: CellResult): { originEpochMs?: number } {
  const phase = cell.phases[0];
  const epoch = phase ? Date.parse(phase.start) - phase.startMs : Number.NaN;
  return Number.isFinite(epoch) ? { originEpochMs: epoch } : {};
}

function trafficSection(cell: CellResult, traffic: TrafficSummary): string {
  const starved = cell.measurement?.starved ?? [];
  // The chart starts at the traffic: provisioning and install are folded into one line above it.
  const trafficFrom = cell.phases.find((phase) => phase.name === 'warm-up')?.startMs ?? 0;
  const before = cell.phases.filter((phase) => phase.endMs <= trafficFrom).map((phase) => `${phase.name} ${formatMs(phase.endMs - phase.startMs)}`);
  const timeline = renderTimelineSvg({ series: traffic.series, phases: cell.phases, outages: traffic.outages, events: cell.events, starved, label: cell.id, fromMs: trafficFrom, ...originOf(cell) });
  return [
    ...(before.length ? [`<p class="folded">before traffic: ${esc(before.join(', '))}</p>`] : []),
    `<div class="chart">${timeline}${legend}</div>`,
    '<div class="panels">',
    panel('Measures', table(['measure', 'value'], measureRows(traffic, cell.errorBudget, cell.integrity, cell.gates.filter((gate) => gate.scope !== 'rollback')))),
    gatesPanel(cell),
    outagesPanel(traffic),
    phasesPanel(traffic),
    probesPanel(traffic),
    countsTable('Failures by class', traffic.failuresByClass, 'failed'),
    // The failures the front door answered itself, by what it saw upstream (absent in older results.json).
    countsTable('Failures by upstream cause', traffic.failuresByUpstreamCause ?? {}, 'failed'),
    countsTable('Failures by version', traffic.failuresByVersion, 'failed'),
    countsTable('Requests by version', traffic.requestsByVersion, 'requests'),
    measurementPanel(cell),
    '</div>',
  ].join('\n');
}

/** The rollback's own chart starts where the rollback does, so it is not a sliver at the end. */
function rollbackSection(cell: CellResult): string {
  if (!cell.rollback) return '';
  const { traffic, errorBudget, integrity } = cell.rollback;
  const fromMs = cell.phases.find((phase) => phase.name === 'rollback')?.startMs ?? 0;
  const chart = renderTimelineSvg({ series: traffic.series, phases: cell.phases, outages: traffic.outages, events: cell.events, starved: cell.measurement?.starved ?? [], label: `${cell.id} rollback`, fromMs, ...originOf(cell) });
  const automatic = cell.rollback.automatic;
  const trigger = automatic
    ? `<p class="automatic"><strong>Automatic:</strong> ${esc(automatic.trigger)} · detected after ${esc(formatMs(automatic.detectedAfterMs))} · ${esc(cell.from)} served everything again ${esc(formatMs(automatic.recoveredAfterMs))} after the trigger</p>`
    : '';
  return [
    `<h3 class="rollback-title">Rollback${automatic ? ' (automatic)' : ''}</h3>`,
    trigger,
    `<div class="chart">${chart}${legend}</div>`,
    `<div class="panels rollback">${panel('Rollback measures', table(['measure', 'value'], measureRows(traffic, errorBudget, integrity, cell.gates.filter((gate) => gate.scope === 'rollback'))))}${outagesPanel(traffic)}</div>`,
  ].join('\n');
}

function eventsPanel(cell: CellResult): string {
  if (cell.events.length === 0) return '';
  const rows = cell.events.map((event) => [`+${formatMs(event.atMs)}`, event.phase, event.message]);
  return `<details class="events"><summary>Timeline events (${cell.events.length})</summary>${table(['at', 'phase', 'event'], rows)}</details>`;
}

/** First in a red cell: why it is red, in one line. */
function causeLine(cell: CellResult): string {
  const cause = cell.cause ?? cellCause(cell);
  return cause ? `<p class="cause"><strong>Cause:</strong> ${esc(cause)}</p>` : '';
}

function errorBox(cell: CellResult): string {
  if (!cell.error) return '';
  const hint = cell.error.hint ? `<p class="hint"><strong>How to fix:</strong> ${esc(cell.error.hint)}</p>` : '';
  return `<div class="error-box"><p><strong>${esc(cell.error.code)}</strong> (${esc(cell.error.kind)}): ${esc(cell.error.message)}</p>${hint}</div>`;
}

function breachLine(cell: CellResult): string {
  const breaches = cell.gates.filter((gate) => !gate.passed).map(describeBreach);
  return breaches.length ? `<p class="breaches">Gates breached: ${esc(breaches.join('; '))}</p>` : '';
}

/** A cell the run's interrupt cut short: its figures stop there, and nothing in them is a finding. */
const interrupted = (cell: CellResult) => cell.error?.kind === 'aborted';

export function renderCellDetail(cell: CellResult, anchor: string): string {
  const logs = cell.logs ? ` · <a href="${safeRelativeHref(cell.logs)}">logs folder</a>` : '';
  if (interrupted(cell)) return renderInterrupted(cell, anchor, logs);
  return [
    `<section class="cell-detail status-${esc(cell.status)}" id="${esc(anchor)}" data-status="${esc(cell.status)}" data-platform="${esc(cell.platform)}" data-method="${esc(cell.method)}">`,
    `<h2><span class="badge">${esc(cell.status)}</span> <span class="cell-id">${esc(cell.id)}</span></h2>`,
    causeLine(cell),
    `<p class="meta">${esc(`${cell.scenario} · ${hopLabel(cell)} · ${cell.method} on ${cell.platform} · started ${cell.startedAt} · took ${formatMs(cell.durationMs)}`)}${logs} · <a href="#top">top</a></p>`,
    errorBox(cell),
    breachLine(cell),
    cell.traffic ? trafficSection(cell, cell.traffic) : emptyNote('no traffic was recorded for this cell'),
    rollbackSection(cell),
    eventsPanel(cell),
    `<p class="reproduce">Reproduce: <code>${esc(cell.reproduce)}</code></p>`,
    '</section>',
  ].join('\n');
}

function renderInterrupted(cell: CellResult, anchor: string, logs: string): string {
  const ran = cell.traffic ? `${cell.traffic.requests} requests were sent before it; ` : '';
  return [
    `<section class="cell-detail status-${esc(cell.status)}" id="${esc(anchor)}" data-status="${esc(cell.status)}" data-platform="${esc(cell.platform)}" data-method="${esc(cell.method)}">`,
    `<h2><span class="badge">interrupted</span> <span class="cell-id">${esc(cell.id)}</span></h2>`,
    `<p class="meta">${esc(`${cell.scenario} · ${hopLabel(cell)} · ${cell.method} on ${cell.platform}`)}${logs} · <a href="#top">top</a></p>`,
    `<p class="interrupted">${esc(`The run was interrupted ${cell.phases.length ? `during ${cell.phases.at(-1)!.name}` : 'before this cell started'}: ${ran}no gate was judged, and nothing here is a finding.`)}</p>`,
    `<p class="reproduce">Reproduce: <code>${esc(cell.reproduce)}</code></p>`,
    '</section>',
  ].join('\n');
}

/** How well the harness could measure: its own lateness, the machine's pauses, throttling, starved windows. */
function measurementPanel(cell: CellResult): string {
  const m = cell.measurement;
  if (!m) return '';
  const share = (value: number | null) => (value === null ? 'unknown' : `${(value * 100).toFixed(1)}%`);
  const rows = [
    ['probes sent late (p50 / p99 / max)', [m.sendLagMs.p50, m.sendLagMs.p99, m.sendLagMs.max].map(formatMs).join(' / ')],
    ["runner's event loop delay (max)", formatMs(m.eventLoopDelayMs.max)],
    ['machine pauses seen by the sentinel (max)', m.sentinelLateMs ? formatMs(m.sentinelLateMs.max) : 'no sentinel'],
    ['CPU quota throttling', formatMs(m.cpuThrottledMs)],
    ['CPU pressure / steal (machine)', `${share(m.cpuPressure)} / ${share(m.cpuSteal)}`],
    ['starved windows', m.starved.length === 0 ? 'none' : m.starved.map((span) => `${formatMs(span.durationMs)} in ${span.phase}`).join(', ')],
  ];
  return panel('Measurement', table(['the harness itself', 'value'], rows));
}
