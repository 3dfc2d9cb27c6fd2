// gc run from another PID namespace (a container, another CI job sharing the machine) sees none of
// a live run's processes; it must still leave the run alone, because the run's lease is fresh.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliPath, projectRoot, readResults, testDir } from '../support/cli.ts';
import { workDirsOf } from '../support/leftovers.ts';

const unshareWorks = (await execa('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { reject: false })).exitCode === 0;
if (!unshareWorks) console.log('gc-foreign-namespace.test.ts skipped: unshare --pid --fork --mount-proc is not allowed here');

describe.skipIf(!unshareWorks)('gc from another PID namespace', () => {
  it('leaves a live run alone: its folders, processes and verdict', async () => {
    const out = await testDir();
    const run = execa(process.execPath, [cliPath, 'run', 'matrices/quickstart.yaml', '--only', 'local/1.0.0-to-1.1.0/rolling', '--out', out], {
      cwd: projectRoot, env: { CI: 'true' }, reject: false, stdin: 'ignore',
    });
    let output = '';
    await new Promise<void>((resolve) => {
      run.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('> warm-up')) resolve();
      });
      void run.then(() => resolve());
    });
    const runId = /run (\S+):/.exec(output)?.[1];
    expect(runId, output).toBeTruthy();
    expect(await workDirsOf(runId!)).toHaveLength(1);

    // In its own PID namespace gc cannot see the run's pid: only the lease tells it the run lives.
    const gc = await execa('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, cliPath, 'gc'], { cwd: projectRoot, reject: false, env: { CI: 'true' } });
    expect(gc.exitCode, gc.stderr).toBe(0);
    expect(gc.stdout).toContain('0 processes and 0 temporary folders of finished runs removed');
    expect(await workDirsOf(runId!)).toHaveLength(1);

    const finished = await run;
    expect(finished.exitCode, String(finished.stdout)).toBe(0);
    expect((await readResults(out)).cells[0]?.status).toBe('passed');
  });
});
