import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../harness/runner/cell-journal.ts';
import { cliPath, projectRoot, readResults, runCli, testDir } from '../support/cli.ts';

/** A copy of the fan-out matrix in `dir`, so the test can change it under a run. */
async function matrixIn(dir: string): Promise<string> {
  const file = join(dir, 'matrix.yaml');
  const text = await readFile(join(projectRoot, 'test/fixtures/e2e/tiny-http-fan-out.yaml'), 'utf8');
  await writeFile(file, text.replace('./tiny-http/scenario.yaml', resolve(projectRoot, 'test/fixtures/e2e/tiny-http/scenario.yaml')));
  return file;
}

describe('run --resume after a SIGKILL', () => {
  it('keeps every cell finished before the kill and runs only the rest', async () => {
    const dir = await testDir();
    const matrix = await matrixIn(dir);
    const out = join(dir, 'out');
    const run = execa(process.execPath, [cliPath, 'run', matrix, '--concurrency', '1', '--out', out], { cwd: projectRoot, env: { CI: 'true' }, reject: false, stdin: 'ignore' });
    await new Promise<void>((resolveFinished) => {
      let output = '';
      run.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/ok {3}local\//.test(output)) resolveFinished();
      });
      void run.then(() => resolveFinished());
    });
    run.kill('SIGKILL');
    await run;
    const journal = await readJournal(out);
    const finished = journal.cells.filter((cell) => cell.status === 'passed');
    expect(finished.length).toBeGreaterThanOrEqual(1);
    expect(finished.length).toBeLessThan(3);
    expect((await runCli(['gc'])).exitCode).toBe(0);

    const resumed = await runCli(['run', matrix, '--resume', out]);
    expect(resumed.exitCode, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`(resumed: ${finished.length} finished cells kept)`);
    const results = await readResults(out);
    expect(results.cells.map((cell) => cell.id)).toEqual(['local/1.0-to-2.0/rolling', 'local/1.0-to-2.0/blue-green', 'local/1.0-to-2.0/recreate']);
    // The finished cells are the very results written before the kill, not runs of them again.
    for (const cell of finished) expect(results.cells.find((c) => c.id === cell.id)?.startedAt).toBe(cell.startedAt);
    expect(results.provenance?.resumed).toEqual({ runId: journal.header.runId, cellsKept: finished.length });
    expect(results.startedAt <= finished[0]!.startedAt).toBe(true);
  });

  it('refuses to resume when the matrix changed since, or with a new selection', async () => {
    const dir = await testDir();
    const matrix = await matrixIn(dir);
    const out = join(dir, 'out');
    const first = await runCli(['run', matrix, '--only', '*/*/rolling', '--out', out]);
    expect(first.exitCode, first.stderr).toBe(0);

    const withOnly = await runCli(['run', matrix, '--resume', out, '--only', '*/*/recreate']);
    expect(withOnly.exitCode).toBe(2);
    expect(withOnly.stderr).toContain('--resume continues a run as it was started');

    await writeFile(matrix, `${await readFile(matrix, 'utf8')}slo: 0.99\n`);
    const changed = await runCli(['run', matrix, '--resume', out]);
    expect(changed.exitCode).toBe(2);
    expect(changed.stderr).toContain('the matrix file changed since it started');
  });
});
