// A scenario whose kubernetes section is wrong in three ways at once: run and plan both stop before
// anything starts (exit 2) and name every problem with file, line and dot-path in one go.
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli, testDir } from '../support/cli.ts';

const MATRIX = 'test/fixtures/e2e/bad/kubernetes-scenario.yaml';
const SCENARIO = 'test/fixtures/e2e/bad/kubernetes-scenario/scenario.yaml';

const EXPECTED = [
  new RegExp(`^${SCENARIO}:8 kubernetes\\.manifest: unknown key "manifest"; did you mean "manifests"\\?$`, 'm'),
  new RegExp(`^${SCENARIO}:10 kubernetes\\.chart\\.path: chart \\S+/kubernetes-scenario/no-such-chart does not exist$`, 'm'),
  new RegExp(`^${SCENARIO}:13 kubernetes\\.chart\\.values: values must be a map of keys to values$`, 'm'),
];

describe('a scenario with a broken kubernetes section', () => {
  it.each([
    ['run', ['run', MATRIX, '--out', '/nonexistent/never-written']],
    ['plan', ['plan', MATRIX]],
  ])('%s exits 2 naming all three problems, and starts nothing', async (_command, args) => {
    // A private TMPDIR holds whatever a command starts (work folders); a kubeconfig that is not
    // there shows no cluster was even looked for (that would be exit 3).
    const tmp = await testDir();
    const result = await runCli(args, { TMPDIR: tmp, KUBECONFIG: '/nonexistent/kubeconfig' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(2);
    for (const line of EXPECTED) expect(result.stderr).toMatch(line);
    expect(result.stderr.split('\n').filter((line) => line.startsWith(`${SCENARIO}:`))).toHaveLength(3);
    expect(result.stdout).not.toMatch(/kubernetes\/1\.0\.0-to-1\.1\.0/);
    expect(await readdir(tmp)).toEqual([]);
  });
});
