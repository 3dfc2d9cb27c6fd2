import { UpgradeFailedError } from '../errors.ts';
import { logTail } from '../util/log-tail.ts';
import { pathInside } from '../util/path-inside.ts';
import type { MigrationKind } from './platform.ts';

/** "pre-deployment migration of 1.1.0", "down-migration of 1.2.0". */
export function migrationTitle(kind: MigrationKind, version: string): string {
  return kind === 'down' ? `down-migration of ${version}` : `${kind}-deployment migration of ${version}`;
}

/** Where a migration's output goes, on every platform. */
export function migrationLogFile(logDir: string, kind: MigrationKind, version: string): string {
  return pathInside(logDir, `migrate-${kind}-${version}.log`);
}

/** A migration that timed out or exited non-zero fails the upgrade, quoting the end of its log. */
export async function migrationFailed(kind: MigrationKind, version: string, logFile: string, outcome: { timeoutMs: number } | { exitCode: number | undefined }): Promise<UpgradeFailedError> {
  const why = 'timeoutMs' in outcome ? `did not finish within ${outcome.timeoutMs} ms` : `exited with code ${outcome.exitCode}`;
  return new UpgradeFailedError(`${migrationTitle(kind, version)} ${why}\n  ${(await logTail(logFile, 8)).join('\n  ')}`, {
    code: 'MIGRATION_FAILED',
    hint: `see ${logFile}`,
    timingDependent: 'timeoutMs' in outcome,
  });
}
