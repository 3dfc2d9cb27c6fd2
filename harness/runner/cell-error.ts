import { AbortedError, HarnessError, UpgradeFailedError } from '../errors.ts';
import type { CellError } from '../results.ts';

/** How a cell's error reads in results: the kind decides the verdict (product failure or no verdict). */
export function describeError(error: unknown, step: string | null): CellError | null {
  if (error === null || error === undefined) return null;
  const where = step ? ` (during ${step})` : '';
  if (error instanceof UpgradeFailedError) return { code: error.code, message: error.message, hint: error.hint ?? null, kind: 'product' };
  if (error instanceof AbortedError) return { code: error.code, message: error.message + where, hint: null, kind: 'aborted' };
  if (error instanceof HarnessError) return { code: error.code, message: error.message + where, hint: error.hint ?? null, kind: 'infrastructure' };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: message + where, hint: 'this looks like a bug in upgrade-harness; please report it with the cell logs', kind: 'infrastructure' };
}

/** A teardown that failed leaves something behind: an infrastructure error even when the cell passed. */
export function teardownError(errors: { step: string; error: unknown }[]): CellError | null {
  const first = errors[0];
  if (!first) return null;
  const why = first.error instanceof Error ? first.error.message : String(first.error);
  return { code: 'TEARDOWN', message: `teardown of ${first.step} failed: ${why}`, hint: 'check for processes or folders left behind (upgrade-harness gc)', kind: 'infrastructure' };
}
