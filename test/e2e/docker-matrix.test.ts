import { execa, type ResultPromise } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { dockerode } from '../../harness/platforms/docker/docker-runtime.ts';
import { cliPath, projectRoot, readResults, runCli, tempOut } from '../support/cli.ts';
import { containersOfRun, dockerGate, networksOfRun } from '../support/docker-daemon.ts';

const enabled = await dockerGate('docker end-to-end tests');

/** Starts the CLI in the background and resolves the run id and the moment a line appears on stdout. */
function startRun(args: string[]) {
  const run: ResultPromise = execa(process.execPath, [cliPath, 'run', ...args], { cwd: projectRoot, env: { CI: 'true' }, reject: false, stdin: 'ignore' });
  let output = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  run.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters.filter((w) => output.includes(w.text))) waiter.resolve();
  });
  const seen = (text: string) =>
    Promise.race([
      new Promise<void>((resolve) => (output.includes(text) ? resolve() : waiters.push({ text, resolve }))),
      run.then(() => {
        throw new Error(`the run ended before printing "${text}":\n${output}`);
      }),
    ]);
  return { run, seen, runId: () => /run (\S+):/.exec(output)?.[1], output: () => output };
}

describe.runIf(enabled)('docker platform end to end', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('runs matrices/docker.yaml green: zero failed requests but for recreate, 127.0.0.1 ports only, nothing left', { timeout: 600_000 }, async () => {
    const out = await tempOut();
    cleanups.push(out.cleanup);
    const started = startRun(['matrices/docker.yaml', '--out', out.dir]);
    const wildcard: string[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        for (const container of await containersOfRun().catch(() => [])) {
          for (const port of container.ports) if (port.publicPort !== undefined && port.ip !== '127.0.0.1') wildcard.push(`${container.role} ${port.ip}:${port.publicPort}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    })();
    const result = await started.run;
    watching = false;
    await watcher;
    expect(result.exitCode, started.output()).toBe(0);
    expect(wildcard).toEqual([]);
    const results = await readResults(out.dir);
    expect(results.cells).toHaveLength(8);
    for (const cell of results.cells) {
      expect(cell.platform).toBe('docker');
      expect(cell.status, `${cell.id}: ${JSON.stringify(cell.error)}`).toBe('passed');
      if (cell.method === 'recreate') expect(cell.traffic!.longestOutageMs, cell.id).toBeGreaterThan(0);
      else expect(cell.traffic!.failures, cell.id).toBe(0);
      expect(cell.gates.find((gate) => gate.name === 'unintendedRestarts')?.passed, cell.id).toBe(true);
    }
    expect(await containersOfRun(results.runId)).toEqual([]);
    expect(await networksOfRun(results.runId)).toEqual([]);
  });

  it('a run killed with SIGKILL leaves containers that `gc` removes', { timeout: 180_000 }, async () => {
    const out = await tempOut();
    cleanups.push(out.cleanup);
    const started = startRun(['matrices/docker.yaml', '--only', 'docker/1.0.0-to-1.1.0/rolling', '--out', out.dir]);
    await started.seen('> warm-up');
    const runId = started.runId()!;
    expect((await containersOfRun(runId)).length).toBeGreaterThanOrEqual(4);
    started.run.kill('SIGKILL');
    await started.run;
    expect((await containersOfRun(runId)).length, 'SIGKILL leaves the containers behind').toBeGreaterThan(0);
    const gc = await runCli(['gc']);
    expect(gc.exitCode, gc.stderr).toBe(0);
    expect(gc.stdout).toMatch(/gc: [1-9]\d* containers, 1 networks/);
    expect(await containersOfRun(runId)).toEqual([]);
    expect(await networksOfRun(runId)).toEqual([]);
  });

  it('a database restarted in the middle of a cell fails the unintendedRestarts gate', { timeout: 180_000 }, async () => {
    const out = await tempOut();
    cleanups.push(out.cleanup);
    const started = startRun(['matrices/docker.yaml', '--only', 'docker/1.0.0-to-1.1.0/rolling', '--out', out.dir]);
    await started.seen('> warm-up');
    const database = (await containersOfRun(started.runId()!)).find((container) => container.role === 'database');
    expect(database).toBeDefined();
    await (await dockerode()).getContainer(database!.id).restart({ t: 1 });
    const result = await started.run;
    expect(result.exitCode, started.output()).toBe(1);
    const [cell] = (await readResults(out.dir)).cells;
    const gate = cell!.gates.find((g) => g.name === 'unintendedRestarts');
    expect(gate, JSON.stringify(cell!.gates)).toMatchObject({ passed: false, actual: 1 });
    expect(cell!.events.some((event) => /unintended restart: database/.test(event.message))).toBe(true);
    expect(await containersOfRun(started.runId()!)).toEqual([]);
  });
});
