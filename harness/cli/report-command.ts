import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import { renderReports } from '../report/file-reporters.ts';
import { SCHEMA_VERSION, type RunResults } from '../results.ts';
import { exitCodeForResults } from './exit-codes.ts';

/** `upgrade-harness report <results.json>`: renders every report again from a results file. */
export async function reportCommand(resultsPath: string, options: { out?: string }): Promise<number> {
  const file = resolve(resultsPath);
  let results: RunResults;
  try {
    results = JSON.parse(await readFile(file, 'utf8')) as RunResults;
  } catch (cause) {
    throw new ConfigError(`${resultsPath}: cannot read results: ${cause instanceof Error ? cause.message : String(cause)}`, [], 'pass the results.json a run wrote');
  }
  if (results.schemaVersion !== SCHEMA_VERSION) {
    throw new ConfigError(`${resultsPath}: schemaVersion ${String(results.schemaVersion)} is not ${SCHEMA_VERSION}`, [], 'use the upgrade-harness version that wrote it');
  }
  const outDir = resolve(options.out ?? dirname(file));
  const problems = await renderReports(results, outDir);
  for (const problem of problems) process.stderr.write(`${problem}\n`);
  process.stdout.write(`reports written to ${outDir}\n`);
  return exitCodeForResults(results);
}
