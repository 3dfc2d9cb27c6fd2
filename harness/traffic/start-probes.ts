import type { Cell } from '../matrix/cell.ts';
import { fillProbes, type SetupValues } from './fill-probes.ts';
import { ProbeUnavailable, type RunningProbe } from './probe.ts';
import { startProbesInWorker } from './worker-probes.ts';
import type { ProbeSpec } from './worker-protocol.ts';

export interface StartedProbes {
  probes: RunningProbe[];
  /** Probes that could not run on this machine, with the reason (printed, not fatal). */
  unavailable: { name: string; reason: string }[];
}

/**
 * Every HTTP-speaking probe the cell asks for, all aimed at the front door; `http` unless the matrix
 * turned it off. None where the environment has no front door this machine can reach (the matrix
 * rules make sure no such probe was asked for there).
 */
export async function startProbes(cell: Cell, baseUrl: string | null, setup: SetupValues = {}): Promise<StartedProbes> {
  const unavailable: StartedProbes['unavailable'] = [];
  if (baseUrl === null) return { probes: [], unavailable };
  const { rate, timeoutMs } = cell.traffic;
  const asked = cell.probes;
  const { read, write } = fillProbes(cell.scenario.probes, setup);
  const versionHeader = cell.scenario.endpoints.version.header;
  const common = { baseUrl, timeoutMs, ...(versionHeader ? { versionHeader } : {}) };
  // The HTTP probes send from a worker thread of their own: the runner's work cannot delay them.
  const specs: ProbeSpec[] = [];
  if (asked.http) specs.push({ kind: 'http', options: { ...common, endpoint: read, rate } });
  if (asked['http-new-connection']) {
    specs.push({ kind: 'http', options: { ...common, endpoint: read, rate: asked['http-new-connection'].rate, newConnectionPerRequest: true } });
  }
  if (asked['write-ledger'] && write) specs.push({ kind: 'write-ledger', options: { ...common, write, rate: asked['write-ledger'].rate } });
  const probes: RunningProbe[] = await startProbesInWorker(specs);
  const optional: [string, () => Promise<RunningProbe>][] = [];
  if (asked.browser) {
    const { rate: browserRate } = asked.browser;
    optional.push(['browser', async () => (await import('./browser-probe.ts')).startBrowserProbe({ baseUrl, scenario: cell.scenario, rate: browserRate, timeoutMs })]);
  }
  if (asked.k6) {
    const { script } = asked.k6;
    optional.push(['k6', async () => (await import('./k6-probe.ts')).startK6Probe({ baseUrl, script, timeoutMs })]);
  }
  for (const [name, start] of optional) {
    try {
      probes.push(await start());
    } catch (error) {
      if (!(error instanceof ProbeUnavailable)) {
        await Promise.all(probes.map((probe) => probe.stop()));
        throw error;
      }
      unavailable.push({ name, reason: error.message });
    }
  }
  return { probes, unavailable };
}
