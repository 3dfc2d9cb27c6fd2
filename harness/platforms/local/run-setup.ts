import { appendFile } from 'node:fs/promises';
import { execa } from 'execa';
import type { CommandSpec } from '../../matrix/cell.ts';
import { userEnvironment } from '../../util/user-environment.ts';
import { setupFailed, setupLogFile } from '../setup-outcome.ts';
import { spawnFailure } from '../spawn-failure.ts';

/** The scenario's setup command as a child process: its standard output is the result, its errors go to setup.log. */
export async function runSetupCommand(options: { spec: CommandSpec; labels: Record<string, string>; logDir: string; timeoutMs: number; signal: AbortSignal }): Promise<string> {
  const logFile = setupLogFile(options.logDir);
  const [file, ...args] = options.spec.command;
  const result = await execa(file!, args, {
    cwd: options.spec.cwd,
    env: { ...userEnvironment(), ...options.spec.env, ...options.labels },
    extendEnv: false,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: { file: logFile, append: true },
    stripFinalNewline: false,
    maxBuffer: 1024 * 1024,
    reject: false,
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
  });
  const failure = spawnFailure('the setup step', options.spec, result);
  if (failure) throw failure;
  if (result.exitCode !== 0) {
    await appendFile(logFile, `[stdout] ${String(result.stdout)}\n`);
    throw await setupFailed(logFile, result.timedOut ? `did not finish within ${options.timeoutMs} ms` : `exited with code ${result.exitCode}`);
  }
  return String(result.stdout);
}
