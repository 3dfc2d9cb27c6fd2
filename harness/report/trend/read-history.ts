// Finds and loads the results.json files of earlier runs kept in one folder, for `trend` (and
// `gate --history`). A broken file costs only itself: it is skipped with why, never the history.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../errors.ts';
import type { RunResults } from '../../results.ts';
import { resultsFileName } from '../json-reporter.ts';
import { loadRunResults } from '../load-results.ts';
import { compareRuns } from './trend-figures.ts';

export interface HistoryRun {
  file: string;
  results: RunResults;
}

export interface History {
  /** Ordered by startedAt (then by file), oldest first. */
  runs: HistoryRun[];
  skipped: { file: string; why: string }[];
}

/**
 * Depths 0, 1 and 2: DIR/results.json, DIR/<run>/results.json, and DIR/<job>/<run>/results.json,
 * which is how CI artifact downloads nest. Deeper than that is a run's own cells/ folder, never a run.
 */
async function findResultsFiles(dir: string, depth: number): Promise<string[]> {
  const found: string[] = [];
  const own = join(dir, resultsFileName);
  if (await isFile(own)) found.push(own);
  if (depth === 0) return found;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  // Sorted so that which of two copies of a run is kept does not depend on the file system.
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const child = join(dir, entry.name);
    if (entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectory(child)))) found.push(...(await findResultsFiles(child, depth - 1)));
  }
  return found;
}

const isFile = (path: string): Promise<boolean> => stat(path).then((s) => s.isFile(), () => false);
const isDirectory = (path: string): Promise<boolean> => stat(path).then((s) => s.isDirectory(), () => false);

/**
 * Every readable run under `dir`, oldest first. A file that does not parse is skipped with the
 * loader's message; so is a second copy of a run (same runId), and a shard whose merged run is
 * in the folder too: counting either again would count one release candidate twice.
 * Throws ConfigError only when `dir` itself cannot be read; an empty history is for the caller to judge.
 */
export async function readHistory(dir: string): Promise<History> {
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    throw new ConfigError(`cannot read ${dir}: ${error.code ?? error.message}`, [], 'give the folder that holds the earlier runs, e.g. reports/ with reports/<run>/results.json');
  });
  if (!info.isDirectory()) throw new ConfigError(`${dir} is not a folder`, [], 'give the folder that holds the earlier runs, not one results.json');

  const loaded: HistoryRun[] = [];
  const skipped: History['skipped'] = [];
  for (const file of await findResultsFiles(dir, 2)) {
    try {
      loaded.push({ file, results: await loadRunResults(file) });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      skipped.push({ file, why: error.message });
    }
  }

  const firstFileOfRun = new Map<string, string>();
  const mergedInto = new Map<string, string>();
  for (const run of loaded) {
    for (const shard of run.results.provenance?.mergedFrom ?? []) mergedInto.set(shard.runId, run.file);
  }
  const runs: HistoryRun[] = [];
  for (const run of loaded) {
    const { runId } = run.results;
    const copyOf = firstFileOfRun.get(runId);
    const merged = mergedInto.get(runId);
    if (copyOf !== undefined) skipped.push({ file: run.file, why: `${run.file} is run ${runId} again, already read from ${copyOf}` });
    else if (merged !== undefined && merged !== run.file) skipped.push({ file: run.file, why: `${run.file} is a shard of the merged run in ${merged}, which counts it` });
    else {
      firstFileOfRun.set(runId, run.file);
      runs.push(run);
    }
  }
  runs.sort(compareRuns);
  return { runs, skipped };
}
