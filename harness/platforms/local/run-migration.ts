import { execa } from 'execa';
import type { CommandSpec } from '../../matrix/cell.ts';
import { migrationFailed, migrationLogFile, migrationTitle } from '../migration-outcome.ts';
import type { MigrationKind } from '../platform.ts';
import { userEnvironment } from '../../util/user-environment.ts';
import { spawnFailure } from '../spawn-failure.ts';

/** Runs a scenario's migration command to completion; a non-zero exit fails the upgrade. */
export async function runMigration(options: {
  version: string;
  kind: MigrationKind;
  spec: CommandSpec;
  labels: Record<string, string>;
  logDir: string;
  timeoutMs: number;
  signal: AbortSignal;
}): Promise<void> {
  const logFile = migrationLogFile(options.logDir, options.kind, options.version);
  const [file, ...args] = options.spec.command;
  if (!file) return;
  const result = await execa(file, args, {
    cwd: options.spec.cwd,
    // The user's own PATH and Node, not the ones npx put in front to run the harness.
    env: { ...userEnvironment(), ...options.spec.env, ...options.labels },
    extendEnv: false,
    stdin: 'ignore',
    stdout: { file: logFile, append: true },
    stderr: { file: logFile, append: true },
    reject: false,
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
  });
  if (result.exitCode === 0) return;
  const failure = spawnFailure(migrationTitle(options.kind, options.version), options.spec, result);
  if (failure) throw failure;
  throw await migrationFailed(options.kind, options.version, logFile, result.timedOut ? { timeoutMs: options.timeoutMs } : { exitCode: result.exitCode });
}
