import { dirname, resolve } from 'node:path';
import { renderReports } from '../report/file-reporters.ts';
import { loadRunResults } from '../report/load-results.ts';
import { exitCodeForResults } from './exit-codes.ts';

/** `upgrade-harness report <results.json>`: renders every report again from a results file. */
export async function reportCommand(resultsPath: string, options: { out?: string }): Promise<number> {
  const file = resolve(resultsPath);
  const results = await loadRunResults(file);
  const outDir = resolve(options.out ?? dirname(file));
  const problems = await renderReports(results, outDir);
  for (const problem of problems) process.stderr.write(`${problem.reporter}: ${problem.message}\n`);
  process.stdout.write(`reports written to ${outDir}\n`);
  return problems.length > 0 ? 3 : exitCodeForResults(results);
}
