import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { labelledProcesses } from '../../harness/runner/leftovers.ts';
import { runCli, runUntilPhase, testDir } from '../support/cli.ts';
import { workDirsOf } from '../support/leftovers.ts';

describe('a run killed with SIGKILL on the local platform', () => {
  it('leaves labelled processes and a temporary folder that `gc` removes', async () => {
    const out = await testDir();
    const { run, runId } = await runUntilPhase(['matrices/quickstart.yaml', '--only', 'local/1.0.0-to-1.1.0/rolling', '--out', out], 'warm-up');
    run.kill('SIGKILL');
    await run;
    // What no teardown stopped: the database and the replicas (the front door leaves with its parent).
    expect((await labelledProcesses()).filter((p) => p.runId === runId).length).toBeGreaterThan(0);
    expect(await workDirsOf(runId)).toHaveLength(1);

    const gc = await runCli(['gc']);
    expect(gc.exitCode, gc.stderr).toBe(0);
    expect(gc.stdout).toMatch(/gc: [1-9]\d* processes and [1-9]\d* temporary folders/);
    await sleep(500);
    expect((await labelledProcesses()).filter((p) => p.runId === runId)).toEqual([]);
    expect(await workDirsOf(runId)).toEqual([]);
  });
});
