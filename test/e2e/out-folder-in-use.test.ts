import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockOutFolder } from '../../harness/runner/out-folder-lock.ts';
import { runCli, testDir } from '../support/cli.ts';

describe('one run per out folder', () => {
  it('refuses a second run into a folder a live run holds, with exit 2, naming that run, starting nothing', async () => {
    const out = await testDir();
    const tmp = await testDir();
    // This test process plays the live run: it holds the folder as `run` would.
    await using _held = await lockOutFolder(out, 'the-live-run');
    const second = await runCli(['run', 'matrices/quickstart.yaml', '--only', 'local/1.0.0-to-1.1.0/rolling', '--out', out], { TMPDIR: tmp });
    expect(second.exitCode, second.stderr).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`--out ${out} is in use by run the-live-run \\(pid ${process.pid} on [^,]+, started \\d{4}-`));
    expect(second.stderr).toContain('hint: wait for that run to finish, or give this one another --out');
    expect(await readdir(tmp)).toEqual([]);
    expect(existsSync(join(out, 'results.json'))).toBe(false);
  });
});
