// gc run from another PID namespace (a container, another CI job sharing the machine) sees none of
// a live run's processes; it must still leave the run alone, because the run's lease is fresh.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliPath, projectRoot, readResults, runUntilPhase, testDir } from '../support/cli.ts';
import { labelledProcesses } from '../../harness/runner/leftovers.ts';
import { workDirsOf } from '../support/leftovers.ts';

const unshareWorks = (await execa('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { reject: false })).exitCode === 0;
if (!unshareWorks) console.log('gc-foreign-namespace.test.ts skipped: unshare --pid --fork --mount-proc is not allowed here');

describe.skipIf(!unshareWorks)('gc from another PID namespace', () => {
  it('leaves a live run alone: its folders, processes and verdict', async () => {
    const out = await testDir();
    const { run, runId } = await runUntilPhase(['matrices/quickstart.yaml', '--only', 'local/1.0.0-to-1.1.0/rolling', '--out', out], 'warm-up');
    expect(await workDirsOf(runId)).toHaveLength(1);
    expect((await labelledProcesses()).filter((p) => p.runId === runId).length).toBeGreaterThan(0);

    // In its own PID namespace gc cannot see the run's pid: only the lease tells it the run lives.
    const gc = await execa('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, cliPath, 'gc'], { cwd: projectRoot, reject: false, env: { CI: 'true' } });
    expect(gc.exitCode, gc.stderr).toBe(0);
    // Other tests' runs may be gone and collected meanwhile: only this run's own things are checked.
    // Had gc killed its database or replicas, the cell would not pass below.
    expect(await workDirsOf(runId)).toHaveLength(1);

    const finished = await run;
    expect(finished.exitCode, String(finished.stdout)).toBe(0);
    expect((await readResults(out)).cells[0]?.status).toBe('passed');
  });
});
