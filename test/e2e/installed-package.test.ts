// The harness as another project's dependency: exactly the files `npm pack` ships, laid out as
// npm installs them under node_modules/, where Node strips no types, so only the built JavaScript
// can run. (The acceptance does the real `npm pack` + `npm install`; this is the same check
// without the minutes of installing every dependency again: those are linked from this checkout.)
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, tempOut } from '../support/cli.ts';

const systemNode = '/usr/bin/node';
let consumer = '';
let shipped: string[] = [];
// Registered at the top: an afterAll called inside beforeAll is never run (it left one folder per run in TMPDIR).
let removeConsumer: () => Promise<void> = async () => undefined;
afterAll(() => removeConsumer());
const bin = () => join(consumer, 'node_modules/upgrade-harness/bin/upgrade-harness.js');
const inConsumer = (args: string[], node = process.execPath) =>
  execa(node, [bin(), ...args], { cwd: consumer, env: { CI: 'true' }, reject: false, stdin: 'ignore' });

beforeAll(async () => {
  await execa('npm', ['run', '-s', 'build'], { cwd: projectRoot });
  const packed = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: projectRoot });
  shipped = (JSON.parse(packed.stdout) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path);
  const temp = await tempOut();
  removeConsumer = temp.cleanup;
  consumer = temp.dir;
  const installed = join(consumer, 'node_modules/upgrade-harness');
  for (const path of shipped) {
    await mkdir(dirname(join(installed, path)), { recursive: true });
    await copyFile(join(projectRoot, path), join(installed, path));
  }
  await symlink(join(projectRoot, 'node_modules'), join(installed, 'node_modules'));
  await writeFile(join(consumer, 'package.json'), '{ "name": "consumer", "type": "module" }\n');
}, 180_000);

describe('upgrade-harness installed as a dependency', () => {
  it('ships the build, its scenarios, templates and LICENSE; no tests, no fixtures, no TypeScript sources', () => {
    expect(shipped).toEqual(expect.arrayContaining(['LICENSE', 'bin/upgrade-harness.js', 'dist/harness/cli/main.js', 'dist/harness/index.d.ts', 'scenarios/sample-app/scenario.yaml', 'harness/platforms/docker/images/node.Dockerfile']));
    expect(shipped.filter((path) => path.startsWith('templates/ci/')).length).toBeGreaterThan(0);
    expect(shipped.filter((path) => path.startsWith('test/') || path.includes('fixtures/'))).toEqual([]);
    expect(shipped.filter((path) => path.startsWith('harness/') && path.endsWith('.ts'))).toEqual([]);
  });

  it('runs a matrix of the user\'s that names the built-in sample app, from the compiled JavaScript', async () => {
    const version = await inConsumer(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')).version);
    await writeFile(
      join(consumer, 'upgrade.yaml'),
      'name: consumer\nscenario: sample-app\nplatforms: [local]\nhops: [{ from: 1.0.0, to: 1.1.0 }]\nmethods: [rolling]\nreplicas: 2\ntraffic: { rate: 50, warmUpMs: 500, settleMs: 500 }\ngates: { failedRequests: 0 }\n',
    );
    const run = await inConsumer(['run', 'upgrade.yaml', '--out', 'out']);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    const results = JSON.parse(await readFile(join(consumer, 'out/results.json'), 'utf8'));
    // The probes' worker, the sentinel and the front door are processes of the built package too.
    expect(results.cells[0].traffic.requests).toBeGreaterThan(0);
    expect(results.cells[0].measurement.sentinel).not.toBeNull();
    expect(results.provenance.matrixFile).toBe('upgrade.yaml');
  });

  it('offers a typed programmatic API', async () => {
    const script = "import { plan, version } from 'upgrade-harness'; const p = await plan('upgrade.yaml'); console.log(version, p.cells.map((c) => c.id).join(','));";
    const api = await execa(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer, reject: false });
    expect(api.stderr).toBe('');
    expect(api.stdout).toMatch(/^\d+\.\d+\.\d+ local\/1\.0\.0-to-1\.1\.0\/rolling$/);
    expect(await readFile(join(consumer, 'node_modules/upgrade-harness/dist/harness/index.d.ts'), 'utf8')).toMatch(/export declare function plan/);
  });

  const systemMajor = nodeMajor(systemNode);
  it.skipIf(!(systemMajor < 22))('on a Node older than 22 says so in one line and exits 2', async () => {
    const old = await inConsumer(['--help'], systemNode);
    expect(old.exitCode).toBe(2);
    expect(old.stderr).toMatch(/^upgrade-harness needs Node 22\.18 or newer; this is Node \d+\.\d+\.\d+\. .*npm install --save-dev node@24/);
    expect(old.stderr).not.toMatch(/ERR_|at .*\(/);
  });
});

/** The major version of a Node binary; Infinity when there is none (then the old-Node case cannot be tried). */
function nodeMajor(node: string): number {
  try {
    return Number(/v(\d+)/.exec(execFileSync(node, ['--version'], { encoding: 'utf8' }))?.[1] ?? Infinity);
  } catch {
    return Infinity;
  }
}
