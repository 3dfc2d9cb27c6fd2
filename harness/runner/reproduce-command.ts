import { relative } from 'node:path';
import { shellQuote, shellWord } from '../util/shell-quote.ts';

/** `npx upgrade-harness run <matrix>`, the matrix relative to `cwd` when under it, as one shell word. */
export function reproduceBase(matrixFile: string, cwd = process.cwd()): string {
  const shown = relative(cwd, matrixFile);
  return `npx upgrade-harness run ${shellWord(shown === '' || shown.startsWith('..') ? matrixFile : shown)}`;
}

/** The command that reruns one cell; pasted into a shell, the id reaches --only exactly as it is. */
export function reproduceCell(base: string, cellId: string): string {
  return `${base} --only ${shellQuote(cellId)}`;
}
