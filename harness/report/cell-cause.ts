// One line that says why a red cell is red, for the release manager who reads nothing else: the
// error as the harness caught it, then each breached gate with the evidence behind it (which
// requests failed how, in which phase, answered by which version; which writes were lost, why).
import type { CellResult, GateResult, TrafficSummary } from '../results.ts';
import { formatGateValue, formatMs } from './format.ts';
import { lostWritesText } from './lost-writes-text.ts';

export function cellCause(cell: CellResult): string | null {
  if (cell.status !== 'failed' && cell.status !== 'error') return null;
  const parts: string[] = [];
  if (cell.error) parts.push(`${cell.error.code}: ${cell.error.message.split('\n')[0]}`);
  const described = new Set<string>();
  for (const gate of cell.gates.filter((g) => !g.passed)) {
    const text = gateCause(cell, gate);
    if (text && !described.has(text)) parts.push(text);
    if (text) described.add(text);
  }
  // An error with failed requests beside it: what the traffic saw is part of why.
  if (cell.error && cell.gates.every((gate) => gate.passed) && cell.traffic && cell.traffic.failures > 0) parts.push(failedRequests(cell.traffic, 'upgrade'));
  return parts.length ? parts.join('; ') : `the cell ${cell.status}`;
}

function gateCause(cell: CellResult, gate: GateResult): string | null {
  const traffic = gate.scope === 'rollback' ? (cell.rollback?.traffic ?? null) : cell.traffic;
  const limit = `(limit ${gate.name.endsWith('Ms') ? formatMs(gate.threshold) : formatGateValue(gate.name, gate.threshold)})`;
  switch (gate.name) {
    case 'failedRequests':
    case 'availability': {
      if (!traffic) return null;
      const members = membersDown(cell, traffic);
      return `${failedRequests(traffic, gate.scope)}${members ? `; ${members}` : ''}`;
    }
    case 'longestOutageMs': {
      const longest = traffic?.outages.reduce((a, b) => (b.durationMs > a.durationMs ? b : a), traffic.outages[0]!);
      return longest ? `an outage of ${formatMs(longest.durationMs)} in ${longest.phase} ${limit}` : `longest outage ${formatGateValue(gate.name, gate.actual)} ${limit}`;
    }
    case 'p99LatencyMs':
      return `p99 latency ${formatMs(gate.actual)}${gate.scope === 'rollback' ? ' during the rollback' : ''} ${limit}`;
    case 'lostWrites': {
      const integrity = gate.scope === 'rollback' ? cell.rollback?.integrity : cell.integrity;
      const why = integrity ? lostWritesText(integrity) : '';
      return `${gate.actual} acknowledged writes lost${gate.scope === 'rollback' ? ' by the rollback' : ''}${why ? ` (${why})` : ''}`;
    }
    case 'unintendedRestarts': {
      const restarts = cell.events.filter((event) => event.message.startsWith('unintended restart: ')).map((event) => event.message.slice('unintended restart: '.length));
      return restarts.length ? `restarted what the method must not touch: ${restarts.join(', ')}` : `${gate.actual} unintended restarts`;
    }
    default:
      return `${gate.name} ${formatGateValue(gate.name, gate.actual)} ${limit}`;
  }
}

/** "99 requests failed in upgrade (60) and settle (39): 98 wrong-body, 1 http-5xx; answered by 1.0.0-beta.3 (98), 0.17.4 (1)". */
function failedRequests(traffic: TrafficSummary, scope: string): string {
  const phases = top(Object.fromEntries(Object.entries(traffic.byPhase).map(([phase, figures]) => [phase, figures.failures])));
  const classes = top(traffic.failuresByClass).map(([name, n]) => `${n} ${name}`).join(', ');
  const versions = top(traffic.failuresByVersion).map(([version, n]) => `${version === 'unknown' ? 'no replica' : version} (${n})`).join(', ');
  const where = phases.length ? ` in ${phases.map(([phase, n]) => `${phase} (${n})`).join(', ')}` : '';
  return `${traffic.failures} requests failed${scope === 'rollback' ? ' during the rollback' : ''}${where}: ${classes}${versions ? `; answered by ${versions}` : ''}`;
}

/** When the front door answered for want of a ready member: which members its checks had taken out, and since when. */
function membersDown(cell: CellResult, traffic: TrafficSummary): string | null {
  if (!traffic.failuresByUpstreamCause?.['no-member']) return null;
  const down = cell.events.filter((event) => /^front door: member .* down/.test(event.message));
  if (down.length === 0) return null;
  const said = down.slice(0, 4).map((event) => `${event.message.replace(/^front door: member (\S+ \([^)]*\)) down.*$/, '$1')} down since +${formatMs(event.atMs)}`);
  return `${traffic.failuresByUpstreamCause['no-member']} answered by the front door with no ready member (${said.join(', ')}${down.length > 4 ? `, and ${down.length - 4} more` : ''})`;
}

/** Non-zero counts, largest first, at most three. */
function top(counts: Partial<Record<string, number>>): [string, number][] {
  return Object.entries(counts)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3);
}
