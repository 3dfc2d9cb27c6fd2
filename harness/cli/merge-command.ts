import { cp, stat } from 'node:fs/promises';
import { availableParallelism, hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { renderReports } from '../report/file-reporters.ts';
import { loadRunResults } from '../report/load-results.ts';
import { mergeResults } from '../report/merge-results.ts';
import { startedBy } from '../runner/provenance.ts';
import { newRunId } from '../runner/run-matrix.ts';
import { harnessVersion } from '../util/package-root.ts';
import { exitCodeForResults } from './exit-codes.ts';

/** `upgrade-harness merge <results.json>... --out DIR`: one run's reports from its shards. */
export async function mergeCommand(files: string[], options: { out: string; partial?: boolean }): Promise<number> {
  const inputs = await Promise.all(files.map(async (file) => ({ file, results: await loadRunResults(resolve(file)) })));
  const results = mergeResults(inputs, {
    runId: newRunId(),
    provenance: { harnessVersion, node: process.version, host: { name: hostname(), cores: availableParallelism() }, startedBy: startedBy() },
    partial: options.partial,
  });
  const outDir = resolve(options.out);
  // Each cell's logs come along, so the merged report's links to them work.
  for (const { file, results: shard } of inputs) {
    for (const cell of shard.cells) {
      if (!cell.logs) continue;
      const from = join(dirname(resolve(file)), cell.logs);
      const to = join(outDir, cell.logs);
      if (from !== to && (await stat(from).catch(() => null))) await cp(from, to, { recursive: true });
    }
  }
  const problems = await renderReports(results, outDir);
  for (const problem of problems) process.stderr.write(`${problem.reporter}: ${problem.message}\n`);
  const count = (status: string) => results.cells.filter((cell) => cell.status === status).length;
  process.stdout.write(`merged ${inputs.length} results into ${results.cells.length} cells (${count('passed')} passed, ${count('failed')} failed, ${count('error')} errors, ${count('skipped')} skipped); reports in ${outDir}\n`);
  return problems.length > 0 ? 3 : exitCodeForResults(results);
}
