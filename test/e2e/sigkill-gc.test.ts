import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { labelledProcesses } from '../../harness/runner/leftovers.ts';
import { cliPath, projectRoot, runCli, testDir } from '../support/cli.ts';
import { workDirsOf } from '../support/leftovers.ts';

describe('a run killed with SIGKILL on the local platform', () => {
  it('leaves labelled processes and a temporary folder that `gc` removes', async () => {
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
    run.kill('SIGKILL');
    await run;
    // What no teardown stopped: the database and the replicas (the front door leaves with its parent).
    expect((await labelledProcesses()).filter((p) => p.runId === runId).length).toBeGreaterThan(0);
    expect(await workDirsOf(runId!)).toHaveLength(1);

    const gc = await runCli(['gc']);
    expect(gc.exitCode, gc.stderr).toBe(0);
    expect(gc.stdout).toMatch(/gc: [1-9]\d* processes and [1-9]\d* temporary folders/);
    await sleep(500);
    expect((await labelledProcesses()).filter((p) => p.runId === runId)).toEqual([]);
    expect(await workDirsOf(runId!)).toEqual([]);
  });
});
