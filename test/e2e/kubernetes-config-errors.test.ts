// Scenarios whose kubernetes section is wrong in three ways at once: run and plan both stop before
// anything starts (exit 2) and name every problem with file, line and dot-path in one go.
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli, testDir } from '../support/cli.ts';

/** run and plan of `matrix` exit 2 with exactly the `expected` lines about `scenario`, and start nothing. */
function refusedBeforeAnythingStarts(matrix: string, scenario: string, expected: RegExp[]) {
  it.each([
    ['run', ['run', matrix, '--out', '/nonexistent/never-written']],
    ['plan', ['plan', matrix]],
  ])(`%s exits 2 naming all ${expected.length} problems, and starts nothing`, async (_command, args) => {
    // A private TMPDIR holds whatever a command starts (work folders); a kubeconfig that is not
    // there shows no cluster was even looked for (that would be exit 3).
    const tmp = await testDir();
    const result = await runCli(args, { TMPDIR: tmp, KUBECONFIG: '/nonexistent/kubeconfig' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(2);
    for (const line of expected) expect(result.stderr).toMatch(line);
    expect(result.stderr.split('\n').filter((line) => line.startsWith(`${scenario}:`))).toHaveLength(expected.length);
    expect(result.stdout).not.toMatch(/kubernetes\/1\.0\.0-to-1\.1\.0/);
    expect(await readdir(tmp)).toEqual([]);
  });
}

describe('a scenario with a broken kubernetes section', () => {
  const scenario = 'test/fixtures/e2e/bad/kubernetes-scenario/scenario.yaml';
  refusedBeforeAnythingStarts('test/fixtures/e2e/bad/kubernetes-scenario.yaml', scenario, [
    new RegExp(`^${scenario}:8 kubernetes\\.manifest: unknown key "manifest"; did you mean "manifests"\\?$`, 'm'),
    new RegExp(`^${scenario}:10 kubernetes\\.chart\\.path: chart \\S+/kubernetes-scenario/no-such-chart does not exist$`, 'm'),
    new RegExp(`^${scenario}:13 kubernetes\\.chart\\.values: values must be a map of keys to values$`, 'm'),
  ]);
});

// A version field that is not a JSON pointer, a done rule that says nothing, a condition status that is not one.
describe('a scenario with a broken operator section', () => {
  const scenario = 'test/fixtures/e2e/bad/operator-scenario/scenario.yaml';
  refusedBeforeAnythingStarts('test/fixtures/e2e/bad/operator-scenario.yaml', scenario, [
    new RegExp(`^${scenario}:12 kubernetes\\.operator\\.versionField: not a JSON pointer: write /spec/version`, 'm'),
    new RegExp(`^${scenario}:13 kubernetes\\.operator\\.done: give a condition \\(\\{ type, status \\}\\), a field \\(\\{ pointer, value \\}\\), or both$`, 'm'),
    new RegExp(`^${scenario}:14 kubernetes\\.operator\\.refused\\.condition\\.status: a condition status is "True", "False" or "Unknown"`, 'm'),
  ]);

  it('a resource template without the version field is named with the field to add', async () => {
    const result = await runCli(['plan', 'test/fixtures/e2e/bad/operator-field.yaml'], { TMPDIR: await testDir(), KUBECONFIG: '/nonexistent/kubeconfig' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toMatch(/operator-field\/scenario\.yaml:\d+ kubernetes\.operator\.resource: \S+resource\.yaml has no field \/spec\/release \(kubernetes\.operator\.versionField\)/);
  });
});
