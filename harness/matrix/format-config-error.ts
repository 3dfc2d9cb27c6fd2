import { isAbsolute, relative } from 'node:path';
import type { ConfigError } from '../errors.ts';

/**
 * One line per issue (or the message and its hint when nothing is located): `matrices/x.yaml:7 methods[2]: unknown method "rolingg"; known: ...`.
 * Files under cwd are shown relative to it; files elsewhere keep their absolute path,
 * which reads better than a chain of ../.
 */
export function formatConfigError(err: ConfigError, cwd: string): string {
  // Without located issues (a missing file, an --only matching nothing) the hint is the fix.
  if (err.issues.length === 0) return err.hint ? `${err.message}\nhint: ${err.hint}` : err.message;
  return err.issues
    .map((issue) => {
      const path = issue.path ? `${issue.path}: ` : '';
      return `${shownPath(issue.file, cwd)}:${issue.line} ${path}${issue.message}`;
    })
    .join('\n');
}

function shownPath(file: string, cwd: string): string {
  const fromCwd = relative(cwd, file);
  return fromCwd === '' || fromCwd.startsWith('..') || isAbsolute(fromCwd) ? file : fromCwd;
}
