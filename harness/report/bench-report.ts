// Benchmark: renders all four reports for a large synthetic run and prints time and size per file.
// Usage: node harness/report/bench-report.ts [cells=200] [buckets per cell=12000]
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CellResult, CellStatus, Outage, RunResults } from '../results.ts';
import { fileReporters } from './file-reporters.ts';

const latency = { p50: 4, p95: 9, p99: 20, max: 60 };

function largeCell(index: number, buckets: number): CellResult {
  const bucketMs = 100;
  const statuses: CellStatus[] = ['passed', 'passed', 'passed', 'failed', 'error'];
  const status = statuses[index % statuses.length] ?? 'passed';
  const outages: Outage[] = Array.from({ length: 20 }, (_, i) => {
    const startMs = Math.floor(((i + 0.5) * buckets * bucketMs) / 20);
    return { start: '', end: '', startMs, endMs: startMs + 120, durationMs: 120, failures: 12, causes: { refused: 12 }, phase: 'upgrade' };
  });
  const failed = Array.from({ length: buckets }, (_, i) => (i % (buckets / 20) === 0 ? 12 : 0));
  const from = `1.${index % 7}.0`;
  const to = `1.${(index % 7) + 1}.0`;
  const method = ['recreate', 'rolling', 'blue-green', 'canary'][index % 4] ?? 'rolling';
  const platform = ['local', 'docker', 'vm', 'kubernetes'][Math.floor(index / 4) % 4] ?? 'local';
  const durationMs = buckets * bucketMs;
  return {
    id: `${platform}/${from}-to-${to}/${method}#${index}`,
    platform,
    method,
    from,
    to,
    scenario: 'sample-app',
    status,
    reproduce: `upgrade-harness run matrices/big.yaml --only '${platform}/${from}-to-${to}/${method}'`,
    startedAt: new Date(0).toISOString(),
    finishedAt: new Date(durationMs).toISOString(),
    durationMs,
    phases: ['warm-up', 'upgrade', 'settle', 'verify'].map((name, i) => ({ name, start: '', end: '', startMs: (i * durationMs) / 4, endMs: ((i + 1) * durationMs) / 4 })),
    events: Array.from({ length: 40 }, (_, i) => ({ at: '', atMs: (i * durationMs) / 40, phase: 'upgrade', message: `step ${i}` })),
    traffic: {
      requests: buckets * 20,
      failures: 240,
      byProbe: {},
      availability: 1 - 240 / (buckets * 20),
      downtimeMs: 2400,
      longestOutageMs: 120,
      outages,
      latencyMs: latency,
      byPhase: { upgrade: { requests: buckets * 5, failures: 240, latencyMs: latency } },
      failuresByVersion: { [from]: 240 },
      failuresByClass: { refused: 240 },
      requestsByVersion: { [from]: buckets * 10, [to]: buckets * 10 },
      series: { bucketMs, ok: failed.map((f) => 20 - f), failed, latencyP95: failed.map((f) => (f ? 200 : 9)) },
    },
    errorBudget: { slo: 0.999, allowedFailures: buckets * 0.02, consumedFailures: 240, remaining: buckets * 0.02 - 240 },
    integrity: { writesAcknowledged: buckets, writesLost: 0, duplicates: 0 },
    rollback: null,
    gates: [{ name: 'longestOutageMs', threshold: 100, actual: 120, passed: status !== 'failed', scope: 'upgrade' }],
    error: status === 'error' ? { code: 'INFRA', message: 'environment broke', hint: 'see logs', kind: 'infrastructure' } : null,
    logs: `logs/${index}`,
  };
}

async function main(): Promise<void> {
  const cellCount = Number(process.argv[2] ?? 200);
  const buckets = Number(process.argv[3] ?? 12_000);
  const results: RunResults = {
    schemaVersion: 1,
    runId: 'bench',
    matrix: 'bench',
    matrixFile: '/bench.yaml',
    startedAt: new Date(0).toISOString(),
    finishedAt: new Date(buckets * 100).toISOString(),
    cells: Array.from({ length: cellCount }, (_, i) => largeCell(i, buckets)),
  };
  const outDir = await mkdtemp(join(tmpdir(), 'bench-report-'));
  const figures: string[] = [];
  try {
    for (const reporter of fileReporters()) {
      const started = performance.now();
      await reporter.onRunEnd?.(results, outDir);
      const ms = performance.now() - started;
      const file = { json: 'results.json', junit: 'junit.xml', html: 'report.html', markdown: 'summary.md' }[reporter.name] ?? '';
      const size = (await stat(join(outDir, file))).size;
      figures.push(`${file} ${Math.round(ms)} ms ${(size / 1024 / 1024).toFixed(2)} MiB`);
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
  console.log(`${cellCount} cells x ${buckets} buckets: ${figures.join(', ')}`);
}

await main();
