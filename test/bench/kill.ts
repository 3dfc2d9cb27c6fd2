// `npm run bench:kill`: a run interrupted at random points leaves nothing behind. Each point starts
// one cell (local or docker, alternately where a daemon answers) with a private TMPDIR, waits a
// random time, and sends SIGINT, SIGTERM (both: the run must clean up by itself) or SIGKILL
// (then `gc` must). Then it counts what is left: entries in the private TMPDIR, processes and
// containers or networks carrying the run's id. Prints a line per point and
//   kill: N points, L leftovers
// Exit 1 when anything was left. Usage: node test/bench/kill.ts [points=20] [seed]
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { labelledProcesses } from '../../harness/runner/leftovers.ts';
import { dockerSkipReason, containersOfRun, networksOfRun } from '../support/docker-daemon.ts';

const points = Number(process.argv[2] ?? 20);
let seed = Number(process.argv[3] ?? Date.now() % 100_000);
const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'harness/cli/main.ts');
const docker = (await dockerSkipReason()) === null;
const signals = ['SIGINT', 'SIGTERM', 'SIGKILL'] as const;

interface Point {
  platform: 'local' | 'docker';
  signal: (typeof signals)[number];
  atMs: number;
}

async function killOnce(point: Point): Promise<{ phase: string; left: string[] }> {
  const tmp = await mkdtemp(join(os.tmpdir(), 'uh-kill-'));
  const out = join(tmp, 'out');
  const [matrix, cell] = point.platform === 'docker' ? ['matrices/docker.yaml', 'docker/1.0.0-to-1.1.0/rolling'] : ['matrices/quickstart.yaml', 'local/1.0.0-to-1.1.0/rolling'];
  // Open to other users, as TMPDIR is: as root, PostgreSQL runs as user postgres and must reach it.
  const runTmp = join(tmp, 'tmp');
  await mkdir(runTmp, { mode: 0o755 });
  await chmod(tmp, 0o755);
  const child = spawn(process.execPath, [cli, 'run', matrix, '--only', cell, '--out', out], { cwd: root, env: { ...process.env, CI: 'true', TMPDIR: runTmp }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await Promise.race([new Promise((resolve) => setTimeout(resolve, point.atMs)), exited]);
  const phase = [...output.matchAll(/ > (\S+)/g)].at(-1)?.[1] ?? 'before the first phase';
  const runId = /run (\S+):/.exec(output)?.[1];
  // The whole process group, as a terminal's Ctrl-C or a CI runner's kill would reach it.
  try {
    process.kill(-child.pid!, point.signal);
  } catch {
    // it had finished already
  }
  await exited;
  if (point.signal === 'SIGKILL') {
    await new Promise<void>((resolve) => spawn(process.execPath, [cli, 'gc'], { cwd: root, env: { ...process.env, TMPDIR: runTmp }, stdio: 'ignore' }).on('exit', () => resolve()));
  }
  // Give processes that were signalled a moment to be reaped before counting them.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const left = [
    ...(await readdir(runTmp)).filter((entry) => !entry.startsWith('testcontainers')).map((entry) => `tmp/${entry}`),
    ...(runId ? (await labelledProcesses()).filter((p) => p.runId === runId).map((p) => `process ${p.pid}`) : []),
    ...(runId && docker ? (await containersOfRun(runId)).map((c) => `container ${c.id.slice(0, 12)}`) : []),
    ...(runId && docker ? (await networksOfRun(runId)).map((n) => `network ${n}`) : []),
  ];
  await rm(tmp, { recursive: true, force: true });
  return { phase, left };
}

console.log(`kill: ${points} points, seed ${seed}${docker ? '' : ' (docker skipped: no daemon or images)'}`);
let leftovers = 0;
for (let i = 1; i <= points; i++) {
  const point: Point = {
    platform: docker && i % 2 === 0 ? 'docker' : 'local',
    signal: signals[Math.floor(random() * signals.length)]!,
    atMs: Math.round(500 + random() * 11_500),
  };
  const { phase, left } = await killOnce(point);
  leftovers += left.length;
  console.log(`point ${String(i).padStart(2)}: ${point.platform.padEnd(6)} ${point.signal.padEnd(7)} at ${(point.atMs / 1000).toFixed(1).padStart(4)} s (${phase}): ${left.length} leftovers${left.length ? ` - ${left.join(', ')}` : ''}`);
}
console.log(`kill: ${points} points, ${leftovers} leftovers`);
process.exit(leftovers === 0 ? 0 : 1);
