import { ConfigError, HarnessError } from '../errors.ts';
import type { RunResults } from '../results.ts';

export const EXIT = {
  passed: 0,
  gateFailed: 1,
  usage: 2,
  infrastructure: 3,
  interrupted: 130,
} as const;

/** 1 when any cell failed a gate (a verdict), else 3 when any environment broke (no verdict), else 0. */
export function exitCodeForResults(results: RunResults): number {
  // Interrupted first: what the interrupt cut short is no verdict, whatever else failed before it.
  if (results.cells.some((cell) => cell.error?.kind === 'aborted')) return EXIT.interrupted;
  if (results.cells.some((cell) => cell.status === 'failed')) return EXIT.gateFailed;
  if (results.cells.some((cell) => cell.status === 'error')) return EXIT.infrastructure;
  return EXIT.passed;
}

export function exitCodeForError(error: unknown): number {
  if (error instanceof ConfigError) return EXIT.usage;
  if (error instanceof HarnessError && error.code === 'USAGE') return EXIT.usage;
  return EXIT.infrastructure;
}
