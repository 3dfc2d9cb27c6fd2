// vm matrices and scenarios that are wrong: exit 2 before anything starts, every problem named
// with file, line and dot-path in one go.
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli, testDir } from '../support/cli.ts';

const FLEET = 'test/fixtures/e2e/bad/vm-fleet.yaml';
const SCENARIO = 'test/fixtures/e2e/bad/vm-scenario/scenario.yaml';

describe('a vm matrix or package section that is wrong', () => {
  it.each([
    [
      'a fleet',
      FLEET,
      [
        `${FLEET}:6 hops[0].expect: 1.0.0 -> 1.1.0 skips no required upgrade stop, so nothing should refuse it; drop expect: refused`,
        `${FLEET}:9 vm.kinds[1]: kind ssh needs machines: vm.ssh.hosts`,
        `${FLEET}:9 vm.kinds[2]: a qemu fleet is one machine, so it runs package-in-place only`,
        `${FLEET}:10 vm.machines.app: package-rolling upgrades app nodes one at a time while the others serve: give at least 2 (got 1)`,
      ],
    ],
    [
      'a package section',
      'test/fixtures/e2e/bad/vm-scenario.yaml',
      [
        `${SCENARIO}:7 vm.package.name: a Debian package name`,
        `${SCENARIO}:11 vm.package.port: must be at most 65535`,
        `${SCENARIO}:12 vm.package.config.path: an absolute path on the machine`,
      ],
    ],
  ])('%s: run exits 2 naming each problem, and starts nothing', async (_what, matrix, expected) => {
    const tmp = await testDir();
    const result = await runCli(['run', matrix, '--out', '/nonexistent/never-written'], { TMPDIR: tmp });
    expect(result.exitCode, result.stdout + result.stderr).toBe(2);
    for (const line of expected) expect(result.stderr).toContain(line);
    expect(result.stderr.split('\n').filter((line) => /^\S+\.yaml:\d+ /.test(line))).toHaveLength(expected.length);
    expect(await readdir(tmp)).toEqual([]);
  });
});
