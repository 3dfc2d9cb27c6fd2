import logUpdate from 'log-update';
import type { Cell } from '../matrix/cell.ts';
import type { Reporter, RunInfo, TrafficTick } from '../report/reporter.ts';
import type { CellResult, RunResults } from '../results.ts';

interface CellLine {
  phase: string;
  tick: TrafficTick | null;
  result: CellResult | null;
}

const statusMark: Record<CellResult['status'], string> = { passed: 'ok  ', failed: 'FAIL', error: 'ERR ', skipped: 'skip' };

/**
 * Live progress: on a terminal, one redrawn line per running cell; otherwise (CI=true, pipes)
 * plain lines, one per phase change and per finished cell, that read well in a CI log.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stdout): Reporter {
  const live = stream.isTTY === true && !process.env['CI'];
  const lines = new Map<string, CellLine>();
  let total = 0;
  let redraw: NodeJS.Timeout | undefined;
  const render = () => {
    const running = [...lines.entries()].filter(([, line]) => !line.result);
    const done = [...lines.values()].filter((line) => line.result).length;
    const rows = running.map(([id, line]) => {
      const t = line.tick;
      const figures = t ? `${Math.round(t.requestsPerSecond)} req/s, ${t.requests} requests, ${t.failures} failed` : '';
      return `  ${id.padEnd(44)} ${line.phase.padEnd(16)} ${figures}`;
    });
    logUpdate([`${done}/${total} cells done`, ...rows].join('\n'));
  };
  const plain = (text: string) => stream.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);
  return {
    name: 'progress',
    onRunBegin(run: RunInfo) {
      total = run.cells.length;
      const kept = run.kept ? ` (resumed: ${run.kept} finished cells kept)` : '';
      plain(`run ${run.runId}: ${total} cells of ${run.matrix}${kept}, reports in ${run.outDir}`);
      if (live) redraw = setInterval(render, 250);
    },
    onCellBegin(cell: Cell) {
      lines.set(cell.id, { phase: 'starting', tick: null, result: null });
    },
    onPhase(cell: Cell, phase: string) {
      const line = lines.get(cell.id);
      if (line) line.phase = phase;
      if (!live) plain(`${cell.id} > ${phase}`);
    },
    onTraffic(cell: Cell, tick: TrafficTick) {
      const line = lines.get(cell.id);
      if (line) line.tick = tick;
    },
    onCellEnd(cell: Cell, result: CellResult) {
      const line = lines.get(cell.id);
      if (line) line.result = result;
      const t = result.traffic;
      const figures = t ? `longest outage ${Math.round(t.longestOutageMs)} ms, ${t.failures}/${t.requests} failed` : '';
      // The code too: it is what a CI log is searched for (PROGRAM_MISSING, STARVED, MIGRATION_FAILED).
      const why = result.error ? ` - ${result.error.code}: ${result.error.message.split('\n')[0]}` : failedGates(result);
      if (live) logUpdate.clear();
      plain(`${statusMark[result.status]} ${cell.id}  ${figures}${why}`);
      if (live) render();
    },
    onRunEnd(results: RunResults, outDir: string) {
      if (redraw) clearInterval(redraw);
      if (live) logUpdate.clear();
      const count = (status: CellResult['status']) => results.cells.filter((cell) => cell.status === status).length;
      plain(`${count('passed')} of ${results.cells.length} cells passed (${count('failed')} failed, ${count('error')} errors, ${count('skipped')} skipped); reports in ${outDir}`);
    },
  };
}

function failedGates(result: CellResult): string {
  const failed = result.gates.filter((gate) => !gate.passed);
  return failed.length ? ` - gates: ${failed.map((gate) => `${gate.name} ${gate.actual} (limit ${gate.threshold})`).join(', ')}` : '';
}
