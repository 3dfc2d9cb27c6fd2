// The per-cell traffic timeline as inline SVG: requests per bucket (ok stacked under failed),
// p95 latency as a line, phase bands, outages with their exact duration, event markers.
// Drawn from the downsampled series and capped at a fixed number of columns, so a long cell
// costs the same few kilobytes as a short one.
import type { Outage, PhaseSpan, StarvedSpan, TimelineEvent, TrafficSeries } from '../results.ts';
import { formatMs } from './format.ts';
import { esc } from './html-parts.ts';

export interface TimelineInput {
  series: TrafficSeries;
  phases: readonly PhaseSpan[];
  outages: readonly Outage[];
  events: readonly TimelineEvent[];
  /** When the harness or the machine was starved: failures there are not blamed on the product. */
  starved?: readonly StarvedSpan[];
  label: string;
  /** Draw from here (ms on the series' clock) instead of 0: the upgrade chart starts at the traffic, the rollback chart at the rollback. */
  fromMs?: number;
  /** Epoch ms of the series' 0, for wall-clock times on the axis (a reader matches them with logs). */
  originEpochMs?: number;
}

const width = 960;
const height = 230;
const left = 52;
const right = 56;
const bandTop = 4;
const bandHeight = 18;
const plotTop = 44;
const plotBottom = height - 26;
const maxColumns = 480;
/** Outages closer than this (or 1% of the chart) are one incident, labelled once. */
const incidentGapMs = 1000;
const labelRows = [plotTop - 6, plotTop - 15];
const labelCharPx = 6.2;

interface Columns {
  columnMs: number;
  ok: number[];
  failed: number[];
  latency: number[];
}

/** Merges neighbouring buckets until at most maxColumns remain; latency keeps the worst p95. */
export function mergeBuckets(series: TrafficSeries, limit = maxColumns): Columns {
  const count = Math.max(series.ok.length, series.failed.length);
  const factor = Math.max(1, Math.ceil(count / limit));
  const columns: Columns = { columnMs: series.bucketMs * factor, ok: [], failed: [], latency: [] };
  for (let start = 0; start < count; start += factor) {
    let ok = 0;
    let failed = 0;
    let latency = 0;
    for (let i = start; i < Math.min(count, start + factor); i += 1) {
      ok += series.ok[i] ?? 0;
      failed += series.failed[i] ?? 0;
      latency = Math.max(latency, series.latencyP95[i] ?? 0);
    }
    columns.ok.push(ok);
    columns.failed.push(failed);
    columns.latency.push(latency);
  }
  return columns;
}

function niceStep(spanMs: number, maxTicks: number): number {
  const steps = [100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];
  return steps.find((step) => spanMs / step <= maxTicks) ?? Math.ceil(spanMs / maxTicks / 3_600_000) * 3_600_000;
}

const round = (n: number): string => (Math.round(n * 10) / 10).toString();

/** A closed step area from per-column heights (already in pixels from the plot's bottom). */
function stepArea(tops: readonly number[], x: (column: number) => number): string {
  if (tops.length === 0) return '';
  const parts = [`M${round(x(0))} ${plotBottom}`];
  tops.forEach((top, column) => parts.push(`L${round(x(column))} ${round(top)}L${round(x(column + 1))} ${round(top)}`));
  parts.push(`L${round(x(tops.length))} ${plotBottom}Z`);
  return parts.join('');
}

export function renderTimelineSvg(input: TimelineInput): string {
  const bucketMs = Math.max(1, input.series.bucketMs);
  const firstBucket = Math.max(0, Math.floor((input.fromMs ?? 0) / bucketMs));
  const startMs = firstBucket * bucketMs;
  const columns = mergeBuckets({
    bucketMs,
    ok: input.series.ok.slice(firstBucket),
    failed: input.series.failed.slice(firstBucket),
    latencyP95: input.series.latencyP95.slice(firstBucket),
  });
  const seriesEndMs = startMs + columns.ok.length * columns.columnMs;
  const endMs = Math.max(startMs + 1, seriesEndMs, ...input.outages.map((outage) => outage.endMs));
  const xOfMs = (ms: number): number => left + ((Math.min(Math.max(ms, startMs), endMs) - startMs) / (endMs - startMs)) * (width - left - right);
  const xOfColumn = (column: number): number => xOfMs(startMs + column * columns.columnMs);
  const plotHeight = plotBottom - plotTop;
  const totals = columns.ok.map((ok, i) => ok + (columns.failed[i] ?? 0));
  const maxTotal = Math.max(1, ...totals);
  const maxLatency = Math.max(1, ...columns.latency);
  const yOfCount = (n: number): number => plotBottom - (n / maxTotal) * plotHeight;
  const yOfLatency = (ms: number): number => plotBottom - (ms / maxLatency) * plotHeight;
  const out: string[] = [];
  out.push(`<svg class="timeline" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(`traffic timeline of ${input.label}`)}" xmlns="http://www.w3.org/2000/svg">`);

  // Phase bands: a labelled strip on top and a faint wash over the plot, so failures read against phases.
  input.phases.forEach((phase, index) => {
    if (phase.endMs <= startMs || phase.startMs >= endMs) return;
    const x0 = xOfMs(phase.startMs);
    const x1 = Math.max(x0 + 1, xOfMs(phase.endMs));
    const shade = index % 2 === 0 ? 'phase-a' : 'phase-b';
    const title = `<title>${esc(`${phase.name}: ${formatMs(phase.endMs - phase.startMs)}`)}</title>`;
    out.push(`<g class="phase ${shade}">${title}<rect x="${round(x0)}" y="${bandTop}" width="${round(x1 - x0)}" height="${bandHeight}"/>`);
    out.push(`<rect class="phase-wash" x="${round(x0)}" y="${plotTop}" width="${round(x1 - x0)}" height="${plotHeight}"/>`);
    if (x1 - x0 > phase.name.length * 6.5 + 6) {
      out.push(`<text x="${round(x0 + 4)}" y="${bandTop + 13}">${esc(phase.name)}</text>`);
    }
    out.push('</g>');
  });

  // Axes and ticks.
  const step = niceStep(endMs - startMs, 10);
  out.push(`<g class="axis">`);
  for (let ms = Math.ceil(startMs / step) * step; ms <= endMs; ms += step) {
    const x = round(xOfMs(ms));
    const label = input.originEpochMs === undefined ? formatMs(ms) : wallClock(input.originEpochMs + ms, step);
    out.push(`<line x1="${x}" y1="${plotBottom}" x2="${x}" y2="${plotBottom + 4}"/><text x="${x}" y="${plotBottom + 16}" text-anchor="middle"><title>${esc(`+${formatMs(ms)}`)}</title>${esc(label)}</text>`);
  }
  out.push(`<line x1="${left}" y1="${plotBottom}" x2="${width - right}" y2="${plotBottom}"/>`);
  out.push(`<text x="${left - 6}" y="${plotTop + 4}" text-anchor="end">${maxTotal}</text><text x="${left - 6}" y="${plotBottom}" text-anchor="end">0</text>`);
  out.push(`<text x="${width - right + 6}" y="${plotTop + 4}">${esc(formatMs(maxLatency))}</text>`);
  out.push(`<text x="2" y="${plotTop - 8}">requests per ${esc(formatMs(columns.columnMs))}</text><text x="${width - right + 6}" y="${plotTop - 8}">p95</text>`);
  out.push('</g>');

  // Requests: total (red) under ok (green), so the red that shows is exactly the failed share.
  out.push(`<path class="failed" d="${stepArea(totals.map(yOfCount), xOfColumn)}"><title>failed requests</title></path>`);
  out.push(`<path class="ok" d="${stepArea(columns.ok.map(yOfCount), xOfColumn)}"><title>successful requests</title></path>`);

  const points = columns.latency.map((ms, column) => `${round(xOfColumn(column + 0.5))},${round(yOfLatency(ms))}`);
  if (points.length) out.push(`<polyline class="latency" points="${points.join(' ')}"><title>p95 latency</title></polyline>`);

  // Starved windows under the outages: a grey band says "the measurement could not be trusted here".
  for (const span of input.starved ?? []) {
    if (span.endMs < startMs || span.startMs > endMs) continue;
    const x0 = xOfMs(Math.max(startMs, span.startMs));
    const w = Math.max(2, xOfMs(Math.min(endMs, span.endMs)) - x0);
    const why = Object.entries(span.causes).map(([cause, ms]) => `${cause} ${formatMs(ms)}`).join(', ');
    out.push(`<g class="starved"><title>${esc(`starved ${formatMs(span.durationMs)} in ${span.phase}: ${why}`)}</title><rect x="${round(x0)}" y="${plotTop}" width="${round(w)}" height="${plotHeight}"/></g>`);
  }

  // Outages: always visible (at least 2 px) however short. Those close together are one incident,
  // labelled once with its downtime; a label that would overlap another is left to the tooltip.
  const incidents = groupIncidents(input.outages, Math.max(incidentGapMs, (endMs - startMs) / 100));
  const placed: { row: number; from: number; to: number }[] = [];
  const byDowntime = [...incidents].sort((a, b) => b.downtimeMs - a.downtimeMs);
  const labels = new Map<Incident, { text: string; x: number; y: number }>();
  for (const incident of byDowntime) {
    const text = incident.outages.length > 1 ? `${incident.outages.length}× ${formatMs(incident.downtimeMs)}` : formatMs(incident.downtimeMs);
    const x = (xOfMs(incident.startMs) + Math.max(xOfMs(incident.startMs) + 2, xOfMs(incident.endMs))) / 2;
    const half = (text.length * labelCharPx) / 2 + 2;
    const row = labelRows.findIndex((_, index) => !placed.some((other) => other.row === index && x - half < other.to && x + half > other.from));
    if (row === -1) continue;
    placed.push({ row, from: x - half, to: x + half });
    labels.set(incident, { text, x, y: labelRows[row]! });
  }
  for (const incident of incidents) {
    const words = incident.outages.length > 1 ? `${incident.outages.length} outages, ${formatMs(incident.downtimeMs)} down in all` : `outage ${formatMs(incident.downtimeMs)}`;
    const title = `${words} in ${incident.outages[0]!.phase}, ${incident.failures} failed requests`;
    out.push(`<g class="outage"><title>${esc(title)}</title>`);
    for (const outage of incident.outages) {
      const x0 = xOfMs(outage.startMs);
      out.push(`<rect x="${round(x0)}" y="${plotTop}" width="${round(Math.max(2, xOfMs(outage.endMs) - x0))}" height="${plotHeight}"/>`);
    }
    const label = labels.get(incident);
    if (label) out.push(`<text x="${round(label.x)}" y="${label.y}" text-anchor="middle">${esc(label.text)}</text>`);
    out.push('</g>');
  }

  for (const event of input.events) {
    if (event.atMs < startMs || event.atMs > endMs) continue;
    const x = round(xOfMs(event.atMs));
    out.push(`<g class="event"><title>${esc(`+${formatMs(event.atMs)} ${event.phase}: ${event.message}`)}</title><line x1="${x}" y1="${plotTop}" x2="${x}" y2="${plotBottom}"/><path d="M${x} ${plotBottom}l-4 7h8z"/></g>`);
  }
  out.push('</svg>');
  return out.join('\n');
}

interface Incident {
  outages: Outage[];
  startMs: number;
  endMs: number;
  downtimeMs: number;
  failures: number;
}

/** Outages in time order, joined while each starts within `gapMs` of the previous one's end. */
export function groupIncidents(outages: readonly Outage[], gapMs: number): Incident[] {
  const incidents: Incident[] = [];
  for (const outage of [...outages].sort((a, b) => a.startMs - b.startMs)) {
    const last = incidents.at(-1);
    if (last && outage.startMs - last.endMs <= gapMs) {
      last.outages.push(outage);
      last.endMs = Math.max(last.endMs, outage.endMs);
      last.downtimeMs += outage.durationMs;
      last.failures += outage.failures;
    } else {
      incidents.push({ outages: [outage], startMs: outage.startMs, endMs: outage.endMs, downtimeMs: outage.durationMs, failures: outage.failures });
    }
  }
  return incidents;
}

/** "14:02:05" (UTC, as the reports' timestamps), with tenths where the ticks are closer than a second. */
function wallClock(epochMs: number, stepMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return stepMs < 1000 ? iso.slice(11, 21) : iso.slice(11, 19);
}
