import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { onTestFinished } from 'vitest';
import type { RunResults } from '../../harness/results.ts';

export const projectRoot = resolve(import.meta.dirname, '../..');
export const cliPath = join(projectRoot, 'harness/cli/main.ts');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI as a user would (non-interactive, CI=true), from the project root. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await execa(process.execPath, [cliPath, ...args], {
    cwd: projectRoot,
    env: { CI: 'true', ...env },
    reject: false,
    stdin: 'ignore',
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** A temporary output folder, removed by the returned cleanup. */
export async function tempOut(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'uh-test-out-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A temporary folder for the current test, removed when it finishes. */
export async function testDir(): Promise<string> {
  const out = await tempOut();
  onTestFinished(() => out.cleanup());
  return out.dir;
}

export async function readResults(outDir: string): Promise<RunResults> {
  return JSON.parse(await readFile(join(outDir, 'results.json'), 'utf8')) as RunResults;
}
