// A small inline SVG line chart of one figure over the runs. No script and no scale library: the
// page must open from file: with nothing to fetch. A run without a figure breaks the line, so a
// gap never reads as a zero.
import { esc } from '../html-parts.ts';

export interface ChartPoint {
  /** null: nothing to plot for this run (a gap). */
  value: number | null;
  /** Tooltip: which run, and the value or why there is none. */
  title: string;
  /** Colours the marker, e.g. by the cell's status. */
  className: string;
}

export interface LineChartInput {
  label: string;
  points: readonly ChartPoint[];
  format: (value: number) => string;
  /** Under the first and the last point, e.g. "#1" and "#5". */
  firstLabel: string;
  lastLabel: string;
}

const width = 280;
const height = 96;
const left = 50;
const right = 10;
const top = 26;
const bottom = height - 18;

const round = (n: number): string => (Math.round(n * 10) / 10).toString();

export function renderLineChart(input: LineChartInput): string {
  const count = input.points.length;
  const values = input.points.flatMap((point) => (point.value === null ? [] : [point.value]));
  const max = Math.max(0, ...values);
  // All zeros (the good case) still draw a line, along the bottom, instead of dividing by zero.
  const scale = max > 0 ? max : 1;
  const x = (index: number): number => (count <= 1 ? (left + width - right) / 2 : left + (index / (count - 1)) * (width - left - right));
  const y = (value: number): number => bottom - (value / scale) * (bottom - top);

  const segments: string[] = [];
  let open = false;
  input.points.forEach((point, index) => {
    if (point.value === null) {
      open = false;
      return;
    }
    segments.push(`${open ? 'L' : 'M'}${round(x(index))} ${round(y(point.value))}`);
    open = true;
  });

  const out: string[] = [
    `<svg class="trend-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(input.label)}" xmlns="http://www.w3.org/2000/svg">`,
    `<text class="chart-label" x="2" y="12">${esc(input.label)}</text>`,
    `<g class="axis"><line x1="${left}" y1="${bottom}" x2="${width - right}" y2="${bottom}"/>`,
    // A zero top label would repeat the bottom one: every figure was zero.
    ...(max > 0 ? [`<text x="${left - 4}" y="${top + 4}" text-anchor="end">${esc(input.format(max))}</text>`] : []),
    `<text x="${left - 4}" y="${bottom}" text-anchor="end">${esc(input.format(0))}</text>`,
    `<text x="${round(x(0))}" y="${height - 4}" text-anchor="middle">${esc(input.firstLabel)}</text>`,
    ...(count > 1 ? [`<text x="${round(x(count - 1))}" y="${height - 4}" text-anchor="middle">${esc(input.lastLabel)}</text>`] : []),
    '</g>',
  ];
  if (segments.length) out.push(`<path class="line" d="${segments.join('')}"/>`);
  input.points.forEach((point, index) => {
    const title = `<title>${esc(point.title)}</title>`;
    if (point.value === null) {
      out.push(`<g class="gap">${title}<line x1="${round(x(index))}" y1="${bottom - 4}" x2="${round(x(index))}" y2="${bottom + 4}"/></g>`);
    } else {
      out.push(`<circle class="point ${esc(point.className)}" cx="${round(x(index))}" cy="${round(y(point.value))}" r="3">${title}</circle>`);
    }
  });
  out.push('</svg>');
  return out.join('');
}
