import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliPath, testDir } from '../support/cli.ts';

const inProject = (dir: string, args: string[]) => execa(process.execPath, [cliPath, ...args], { cwd: dir, env: { CI: 'true' }, reject: false, stdin: 'ignore' });

describe('upgrade-harness init', () => {
  it("writes a matrix that plans at once on the built-in sample app, and a scenario and matrix for the user's app", async () => {
    const dir = await testDir();
    await writeFile(join(dir, 'package.json'), '{ "name": "their-project" }\n');
    const init = await inProject(dir, ['init', '--app', 'shop']);
    expect(init.exitCode, init.stderr).toBe(0);
    expect(init.stdout).toContain('wrote matrices/try-sample-app.yaml, matrices/upgrade.yaml, scenarios/shop/scenario.yaml');

    const sample = await inProject(dir, ['plan', 'matrices/try-sample-app.yaml', '--json']);
    expect(sample.exitCode, sample.stderr).toBe(0);
    expect(JSON.parse(sample.stdout).cells.map((cell: { id: string }) => cell.id)).toEqual(['local/1.0.0-to-1.1.0/rolling', 'local/1.0.0-to-1.1.0/recreate']);
    // The user's starter is valid as written: they fill in commands, not fix the format.
    const own = await inProject(dir, ['plan', 'matrices/upgrade.yaml']);
    expect(own.exitCode, own.stderr).toBe(0);
    expect(own.stdout).toMatch(/^upgrade \(shop\): 3 cells/);
  });

  it('never overwrites a file without --force, and says which', async () => {
    const dir = await testDir();
    expect((await inProject(dir, ['init'])).exitCode).toBe(0);
    await writeFile(join(dir, 'matrices/upgrade.yaml'), '# mine\n');
    const again = await inProject(dir, ['init']);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('init would overwrite matrices/try-sample-app.yaml, matrices/upgrade.yaml, scenarios/my-app/scenario.yaml');
    expect(await readFile(join(dir, 'matrices/upgrade.yaml'), 'utf8')).toBe('# mine\n');
    expect((await inProject(dir, ['init', '--force'])).exitCode).toBe(0);
    expect(await readFile(join(dir, 'matrices/upgrade.yaml'), 'utf8')).toContain('scenario: my-app');
  });
});
