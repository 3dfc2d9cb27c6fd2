// Reads a results.json for `report` (and `gate`): a missing, foreign or newer file is a usage
// error with a hint, never a stack trace from deep inside a renderer.
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.ts';
import { type CellStatus, type RunResults, SCHEMA_VERSION } from '../results.ts';

const statuses: readonly CellStatus[] = ['passed', 'failed', 'error', 'skipped'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the shape reporters rely on; the numbers inside are trusted as written by the harness. */
export function parseRunResults(text: string, file: string): RunResults {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON: ${(error as Error).message}`, [], 'pass the results.json a run wrote into its --out folder');
  }
  if (!isRecord(data) || !('schemaVersion' in data) || !Array.isArray(data.cells)) {
    throw new ConfigError(`${file} is not an upgrade-harness results file`, [], 'pass the results.json a run wrote into its --out folder');
  }
  if (data.schemaVersion !== SCHEMA_VERSION) {
    throw new ConfigError(
      `${file} has schemaVersion ${String(data.schemaVersion)}; this upgrade-harness reads ${SCHEMA_VERSION}`,
      [],
      'render it with the upgrade-harness version that wrote it',
    );
  }
  for (const key of ['runId', 'matrix', 'startedAt', 'finishedAt'] as const) {
    if (typeof data[key] !== 'string') throw new ConfigError(`${file}: "${key}" is missing or not a string`, [], 'the file looks damaged; re-run the matrix to produce a new one');
  }
  data.cells.forEach((cell: unknown, index: number) => {
    if (!isRecord(cell) || typeof cell.id !== 'string' || !statuses.includes(cell.status as CellStatus)) {
      throw new ConfigError(`${file}: cells[${index}] has no id or an unknown status`, [], 'the file looks damaged; re-run the matrix to produce a new one');
    }
  });
  return data as unknown as RunResults;
}

export async function loadRunResults(file: string): Promise<RunResults> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, [], 'give the path of a results.json, e.g. reports/<run>/results.json');
  }
  return parseRunResults(text, file);
}
