// A scenario whose operator section is wrong in three ways at once (a version field that is not a
// JSON pointer, a done rule that says nothing, a condition status that is not one): run and plan
// stop before anything starts (exit 2) and name every problem with file, line and dot-path.
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli, testDir } from '../support/cli.ts';

const MATRIX = 'test/fixtures/e2e/bad/operator-scenario.yaml';
const SCENARIO = 'test/fixtures/e2e/bad/operator-scenario/scenario.yaml';

const EXPECTED = [
  new RegExp(`^${SCENARIO}:12 kubernetes\\.operator\\.versionField: not a JSON pointer: write /spec/version`, 'm'),
  new RegExp(`^${SCENARIO}:13 kubernetes\\.operator\\.done: give a condition \\(\\{ type, status \\}\\), a field \\(\\{ pointer, value \\}\\), or both$`, 'm'),
  new RegExp(`^${SCENARIO}:14 kubernetes\\.operator\\.refused\\.condition\\.status: a condition status is "True", "False" or "Unknown"`, 'm'),
];

describe('a scenario with a broken operator section', () => {
  it.each([
    ['run', ['run', MATRIX, '--out', '/nonexistent/never-written']],
    ['plan', ['plan', MATRIX]],
  ])('%s exits 2 naming all three problems, and starts nothing', async (_command, args) => {
    const tmp = await testDir();
    const result = await runCli(args, { TMPDIR: tmp, KUBECONFIG: '/nonexistent/kubeconfig' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(2);
    for (const line of EXPECTED) expect(result.stderr).toMatch(line);
    expect(result.stderr.split('\n').filter((line) => line.startsWith(`${SCENARIO}:`))).toHaveLength(3);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('a template without the version field is named with the field to add', async () => {
    const tmp = await testDir();
    const result = await runCli(['plan', 'test/fixtures/e2e/bad/operator-field.yaml'], { TMPDIR: tmp, KUBECONFIG: '/nonexistent/kubeconfig' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toMatch(/operator-field\/scenario\.yaml:\d+ kubernetes\.operator\.resource: \S+resource\.yaml has no field \/spec\/release \(kubernetes\.operator\.versionField\)/);
  });
});
