import { isAbsolute, relative } from 'node:path';
import type { ConfigError } from '../errors.ts';

/**
 * Enough to fix a hand-written file in one go; a file with thousands of problems (the wrong file,
 * a generated one) needs its first few, not a terminal full.
 */
export const MAX_LISTED_ISSUES = 10;

/**
 * One line per issue, the first MAX_LISTED_ISSUES of them (or the message and its hint when nothing is located): `matrices/x.yaml:7 methods[2]: unknown method "rolingg"; known: ...`.
 * Files under cwd are shown relative to it; files elsewhere keep their absolute path,
 * which reads better than a chain of ../.
 */
export function formatConfigError(err: ConfigError, cwd: string): string {
  // Without located issues (a missing file, an --only matching nothing) the hint is the fix.
  if (err.issues.length === 0) return err.hint ? `${err.message}\nhint: ${err.hint}` : err.message;
  const lines = err.issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const path = issue.path ? `${issue.path}: ` : '';
    return `${shownPath(issue.file, cwd)}:${issue.line} ${path}${issue.message}`;
  });
  const more = err.issues.length - lines.length;
  if (more > 0) lines.push(`... and ${more.toLocaleString('en-US')} more`);
  return lines.join('\n');
}

function shownPath(file: string, cwd: string): string {
  const fromCwd = relative(cwd, file);
  return fromCwd === '' || fromCwd.startsWith('..') || isAbsolute(fromCwd) ? file : fromCwd;
}
