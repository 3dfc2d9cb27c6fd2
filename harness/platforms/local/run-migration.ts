import { join } from 'node:path';
import { execa } from 'execa';
import { UpgradeFailedError } from '../../errors.ts';
import type { CommandSpec } from '../../matrix/cell.ts';
import { logTail } from '../../util/log-tail.ts';

/** Runs a scenario's migration command to completion; a non-zero exit fails the upgrade. */
export async function runMigration(options: {
  version: string;
  kind: 'pre' | 'post';
  spec: CommandSpec;
  labels: Record<string, string>;
  logDir: string;
  timeoutMs: number;
  signal: AbortSignal;
}): Promise<void> {
  const logFile = join(options.logDir, `migrate-${options.kind}-${options.version}.log`);
  const [file, ...args] = options.spec.command;
  if (!file) return;
  const result = await execa(file, args, {
    cwd: options.spec.cwd,
    env: { ...options.spec.env, ...options.labels },
    stdin: 'ignore',
    stdout: { file: logFile, append: true },
    stderr: { file: logFile, append: true },
    reject: false,
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
  });
  if (result.exitCode === 0) return;
  const why = result.timedOut ? `did not finish within ${options.timeoutMs} ms` : `exited with code ${result.exitCode}`;
  throw new UpgradeFailedError(
    `${options.kind}-deployment migration of ${options.version} ${why}\n  ${(await logTail(logFile, 8)).join('\n  ')}`,
    { code: 'MIGRATION_FAILED', hint: `see ${logFile}` },
  );
}
