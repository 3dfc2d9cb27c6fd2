// Benchmark (`npm run bench:report`): a synthetic run of 100 cells x 100,000 recorded requests,
// measured the way a real run is (RecordStore -> summarizeTraffic) and rendered to report.html.
// Prints summarize time, render time and size of every report; the last line is the goal's:
//   report.html: X ms, Y MB (goal < 2000 ms, < 5 MB)
// Usage: node test/bench/report.ts [cells=100] [records per cell=100000]
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { evaluateGates } from '../../harness/gates/evaluate-gates.ts';
import { errorBudget } from '../../harness/measure/error-budget.ts';
import type { PhaseWindow } from '../../harness/measure/phase-lookup.ts';
import { summarizeTraffic } from '../../harness/measure/summarize-traffic.ts';
import { fileReporters } from '../../harness/report/file-reporters.ts';
import type { CellResult, CellStatus, RunResults } from '../../harness/results.ts';
import { outcomeCode } from '../../harness/traffic/outcome.ts';
import { RecordStore } from '../../harness/traffic/record-store.ts';

const RATE = 200;
const HTML_GOAL_MS = 2000;
const HTML_GOAL_BYTES = 5 * 1000 * 1000;
const methods = ['recreate', 'rolling', 'blue-green', 'canary'];
const platforms = ['local', 'docker', 'vm', 'kubernetes'];
const failureCodes = ['refused', 'reset', 'timeout', 'http-5xx'] as const;

/** Deterministic pseudo-random numbers, so every run of the benchmark renders the same report. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * One cell's records at RATE req/s: versions switch mid-upgrade, and failures come as a few long
 * outages (recreate), many short flaps (every 7th cell) or none, as real cells do.
 */
function syntheticStore(index: number, count: number): { store: RecordStore; phases: PhaseWindow[]; spanMs: number } {
  const next = random(index + 1);
  const intervalMs = 1000 / RATE;
  const spanMs = count * intervalMs;
  const names = ['warm-up', 'upgrade', 'settle', 'verify'];
  const bounds = [0, 0.1, 0.8, 0.9, 1].map((f) => f * spanMs);
  const phases = names.map((name, p) => ({ name, startMs: bounds[p] ?? 0, endMs: bounds[p + 1] ?? spanMs }));
  const upgradeMid = 0.45 * spanMs;
  const flapping = index % 7 === 3;
  const longOutages = methods[index % methods.length] === 'recreate';
  const store = new RecordStore(count);
  for (let i = 0; i < count; i++) {
    const sentMs = i * intervalMs + next() * 0.3;
    let failed = false;
    if (longOutages) failed = Math.abs(sentMs - upgradeMid) < 1500 || Math.abs(sentMs - 0.6 * spanMs) < 400;
    else if (flapping) failed = sentMs > bounds[1]! && sentMs < bounds[2]! && Math.floor(sentMs / 30) % 20 === 0;
    const outcome = failed ? outcomeCode(failureCodes[(index + Math.floor(sentMs / 1000)) % failureCodes.length] ?? 'reset') : 0;
    const version = sentMs < upgradeMid ? '1.0.0' : next() < 0.5 && sentMs < 0.6 * spanMs ? '1.0.0' : '2.0.0';
    const durationMs = 2 + next() * 8 + (next() < 0.01 ? 150 : 0);
    store.push(sentMs, sentMs, durationMs, outcome, failed ? 503 : 200, outcome === outcomeCode('refused') ? null : version);
  }
  return { store, phases, spanMs };
}

function syntheticCell(index: number, count: number): { cell: CellResult; summarizeMs: number } {
  const { store, phases, spanMs } = syntheticStore(index, count);
  // Building the store stands for the traffic itself; summarizing it is what a run does per cell.
  const started = performance.now();
  const traffic = summarizeTraffic(store, { fromMs: 0, toMs: spanMs, originMs: 0, phases });
  const summarizeMs = performance.now() - started;
  const method = methods[index % methods.length] ?? 'rolling';
  const platform = platforms[Math.floor(index / methods.length) % platforms.length] ?? 'local';
  const from = `1.${Math.floor(index / 16)}.0`;
  const to = `1.${Math.floor(index / 16) + 1}.0`;
  const gates = evaluateGates(method === 'recreate' ? { longestOutageMs: 2000 } : { failedRequests: 0 }, { traffic, integrity: null }, 'upgrade');
  const error = index % 23 === 22 ? { code: 'INFRA', message: 'environment broke', hint: 'see logs', kind: 'infrastructure' as const } : null;
  const status: CellStatus = error ? 'error' : gates.every((gate) => gate.passed) ? 'passed' : 'failed';
  const iso = (ms: number): string => new Date(Date.UTC(2025, 0, 1) + ms).toISOString();
  const id = `${platform}/${from}-to-${to}/${method}`;
  const cell: CellResult = {
    id,
    platform,
    method,
    from,
    to,
    scenario: 'synthetic',
    status,
    reproduce: `upgrade-harness run matrices/bench.yaml --only '${id}'`,
    startedAt: iso(0),
    finishedAt: iso(spanMs),
    durationMs: spanMs,
    phases: phases.map((phase) => ({ ...phase, start: iso(phase.startMs), end: iso(phase.endMs) })),
    events: Array.from({ length: 12 }, (_, k) => ({ at: iso(((k + 1) * spanMs) / 14), atMs: ((k + 1) * spanMs) / 14, phase: 'upgrade', message: `step ${k + 1}` })),
    traffic,
    errorBudget: errorBudget(traffic.requests, traffic.failures, 0.999),
    integrity: null,
    rollback: null,
    gates,
    error,
    logs: `logs/${index}`,
  };
  return { cell, summarizeMs };
}

const fileOf: Record<string, string> = { json: 'results.json', junit: 'junit.xml', html: 'report.html', markdown: 'summary.md' };

async function main(): Promise<void> {
  const cellCount = Number(process.argv[2] ?? 100);
  const recordsPerCell = Number(process.argv[3] ?? 100_000);
  let summarizeMs = 0;
  const cells: CellResult[] = [];
  for (let index = 0; index < cellCount; index++) {
    const { cell, summarizeMs: ms } = syntheticCell(index, recordsPerCell);
    cells.push(cell);
    summarizeMs += ms;
  }
  const results: RunResults = { schemaVersion: 1, runId: 'bench', matrix: 'bench', matrixFile: '/bench.yaml', startedAt: cells[0]?.startedAt ?? '', finishedAt: cells[0]?.finishedAt ?? '', cells };
  console.log(`${cellCount} cells x ${recordsPerCell} records: summarizeTraffic ${Math.round(summarizeMs)} ms in all`);
  const outDir = await mkdtemp(join(tmpdir(), 'bench-report-'));
  let html = { ms: Infinity, bytes: Infinity };
  try {
    for (const reporter of fileReporters()) {
      const started = performance.now();
      await reporter.onRunEnd?.(results, outDir);
      const ms = performance.now() - started;
      const file = fileOf[reporter.name] ?? reporter.name;
      const bytes = (await stat(join(outDir, file))).size;
      if (reporter.name === 'html') html = { ms, bytes };
      console.log(`${file}: ${Math.round(ms)} ms, ${(bytes / 1e6).toFixed(2)} MB`);
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
  const met = html.ms < HTML_GOAL_MS && html.bytes < HTML_GOAL_BYTES;
  console.log(`report.html: ${Math.round(html.ms)} ms, ${(html.bytes / 1e6).toFixed(2)} MB (goal < ${HTML_GOAL_MS} ms, < ${HTML_GOAL_BYTES / 1e6} MB): ${met ? 'met' : 'MISSED'}`);
  if (!met) process.exitCode = 1;
}

await main();
