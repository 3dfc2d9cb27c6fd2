// The overview grid: one row per hop, one column per platform x method, each entry coloured by
// its verdict and linking to the cell's detail.
import type { CellResult } from '../results.ts';
import { formatMs, formatPercent, hopLabel } from './format.ts';
import { esc } from './html-parts.ts';

export interface GridEntry {
  cell: CellResult;
  anchor: string;
}

function firstSeen(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function entrySummary(cell: CellResult): string {
  if (cell.traffic) {
    return `<span class="figure">outage ${esc(formatMs(cell.traffic.longestOutageMs))}</span><span class="figure">${esc(formatPercent(cell.traffic.availability))}</span>`;
  }
  return cell.error ? `<span class="figure">${esc(cell.error.code)}</span>` : '';
}

function renderEntry({ cell, anchor }: GridEntry): string {
  return `<a class="grid-entry status-${esc(cell.status)}" href="#${esc(anchor)}" title="${esc(cell.id)}" data-status="${esc(cell.status)}" data-platform="${esc(cell.platform)}" data-method="${esc(cell.method)}"><span class="badge">${esc(cell.status)}</span>${entrySummary(cell)}</a>`;
}

export function renderGrid(entries: readonly GridEntry[]): string {
  const columnKey = (cell: CellResult): string => `${cell.platform}\u0000${cell.method}`;
  const hopKey = (cell: CellResult): string => [cell.from, ...(cell.via ?? []), cell.to].join('\u0000');
  const columns = firstSeen(entries.map((entry) => columnKey(entry.cell)));
  const hops = firstSeen(entries.map((entry) => hopKey(entry.cell)));
  const byPosition = new Map<string, GridEntry[]>();
  for (const entry of entries) {
    const key = `${hopKey(entry.cell)}\u0001${columnKey(entry.cell)}`;
    byPosition.set(key, [...(byPosition.get(key) ?? []), entry]);
  }
  const header = columns
    .map((column) => {
      const [platform = '', method = ''] = column.split('\u0000');
      return `<th><span class="platform">${esc(platform)}</span><br>${esc(method)}</th>`;
    })
    .join('');
  const rows = hops.map((hop) => {
    const sample = entries.find((entry) => hopKey(entry.cell) === hop);
    const label = sample ? hopLabel(sample.cell) : hop;
    // Two cells may share a position (two scenarios); both are shown, stacked.
    const cells = columns.map((column) => `<td>${(byPosition.get(`${hop}\u0001${column}`) ?? []).map(renderEntry).join('')}</td>`);
    return `<tr><th class="hop">${esc(label)}</th>${cells.join('')}</tr>`;
  });
  return `<table class="grid"><thead><tr><th>hop</th>${header}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}
