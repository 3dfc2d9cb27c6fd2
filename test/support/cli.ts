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

/** Starts the CLI's `run` in the background and resolves once its output shows `phase` began: the run and its id. */
export async function runUntilPhase(args: string[], phase: string): Promise<{ run: ReturnType<typeof execa>; runId: string; output: () => string }> {
  const run = execa(process.execPath, [cliPath, 'run', ...args], { cwd: projectRoot, env: { CI: 'true' }, reject: false, stdin: 'ignore' });
  let output = '';
  await new Promise<void>((resolve) => {
    run.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`> ${phase}`)) resolve();
    });
    void run.then(() => resolve());
  });
  const runId = /run (\S+):/.exec(output)?.[1];
  if (!runId) throw new Error(`the run printed no run id:\n${output}`);
  return { run, runId, output: () => output };
}
