import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { labelledProcesses } from '../../harness/runner/leftovers.ts';
import { cliPath, projectRoot, testDir } from '../support/cli.ts';
import { workDirsOf } from '../support/leftovers.ts';

describe('Ctrl-C during a run', () => {
  it('stops every app process and the database, and leaves nothing behind', async () => {
    const out = await testDir();
    // detached: its own process group, so the signal reaches the whole group as a terminal's Ctrl-C does.
    const run = execa(process.execPath, [cliPath, 'run', 'matrices/quickstart.yaml', '--only', 'local/1.0.0-to-1.1.0/rolling', '--out', out], {
      cwd: projectRoot, env: { CI: 'true' }, detached: true, reject: false, stdin: 'ignore',
    });
    let output = '';
    const upgrading = new Promise<void>((resolve) => {
      run.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('> upgrade')) resolve();
      });
    });
    await Promise.race([upgrading, run]);
    const runId = /run (\S+):/.exec(output)?.[1];
    expect(runId, output).toBeTruthy();
    expect((await labelledProcesses()).filter((p) => p.runId === runId).length).toBeGreaterThan(2);

    process.kill(-run.pid!, 'SIGINT');
    const exited = await Promise.race([run, new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000))]);
    expect(exited, 'the run did not exit within 10 s of Ctrl-C').not.toBeNull();
    expect(exited!.exitCode).toBe(130);

    expect((await labelledProcesses()).filter((p) => p.runId === runId)).toEqual([]);
    expect(await workDirsOf(runId!)).toEqual([]);
  });
});
