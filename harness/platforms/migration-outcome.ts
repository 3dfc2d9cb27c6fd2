import { UpgradeFailedError } from '../errors.ts';
import { logTail } from '../util/log-tail.ts';
import { pathInside } from '../util/path-inside.ts';

/** Where a migration's output goes, on every platform. */
export function migrationLogFile(logDir: string, kind: 'pre' | 'post', version: string): string {
  return pathInside(logDir, `migrate-${kind}-${version}.log`);
}

/** A migration that timed out or exited non-zero fails the upgrade, quoting the end of its log. */
export async function migrationFailed(kind: 'pre' | 'post', version: string, logFile: string, outcome: { timeoutMs: number } | { exitCode: number | undefined }): Promise<UpgradeFailedError> {
  const why = 'timeoutMs' in outcome ? `did not finish within ${outcome.timeoutMs} ms` : `exited with code ${outcome.exitCode}`;
  return new UpgradeFailedError(`${kind}-deployment migration of ${version} ${why}\n  ${(await logTail(logFile, 8)).join('\n  ')}`, {
    code: 'MIGRATION_FAILED',
    hint: `see ${logFile}`,
    timingDependent: 'timeoutMs' in outcome,
  });
}
