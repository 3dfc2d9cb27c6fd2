// `npm run bench:stress`: can a verdict be trusted on a busy runner? The quickstart N times under
// load - in a cgroup allowed 10% of one CPU (a CI pod with a 100m CPU limit), and beside 2 x cores
// busy loops - and N times on a quiet machine; per run the verdicts, then one summary line:
//   stress: R runs under load, F cells failed, E cells error (starved), P passed; quiet: Q runs, X failed
// Goals: F = 0 under load (starvation is never blamed on the product), X = 0 quiet, and busy loops
// alone call off almost nothing. Exit 1 when F or X is not 0.
// Usage: node test/bench/stress.ts [N=1]
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { RunResults } from '../../harness/results.ts';
import { cpuQuota } from './cpu-quota.ts';

const runs = Number(process.argv[2] ?? 1);
const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'harness/cli/main.ts');

interface Tally {
  runs: number;
  passed: number;
  failed: number;
  error: number;
}
const tally = (): Tally => ({ runs: 0, passed: 0, failed: 0, error: 0 });

/** One quickstart run in a child process; `setup` may put it in a cgroup before it starts working. */
async function quickstart(label: string, into: Tally, procsFile?: string): Promise<void> {
  const out = await mkdtemp(join(os.tmpdir(), 'uh-stress-'));
  const started = performance.now();
  // Joining the cgroup first, then exec: every process the run starts inherits the quota.
  const command = procsFile ? ['sh', '-c', 'echo $$ > "$1" && shift && exec "$@"', 'sh', procsFile, process.execPath, cli] : [process.execPath, cli];
  const child = spawn(command[0]!, [...command.slice(1), 'run', 'matrices/quickstart.yaml', '--out', out], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: 'true' } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-2000)));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    into.runs++;
    for (const cell of results.cells) {
      if (cell.status === 'passed') into.passed++;
      else if (cell.status === 'failed') into.failed++;
      else if (cell.status === 'error') into.error++;
    }
    const verdicts = results.cells.map((cell) => cell.status[0]).join('');
    const why = results.cells.filter((cell) => cell.status !== 'passed').map((cell) => `\n    ${cell.id}: ${cell.status} ${(cell.error?.message ?? cell.gates.filter((g) => !g.passed).map((g) => `${g.name} ${g.actual}`).join(', ')).split('\n')[0]!.slice(0, 160)}`);
    console.log(`${label.padEnd(14)} exit ${code} in ${((performance.now() - started) / 1000).toFixed(0)} s: ${verdicts}${why.join('')}`);
  } catch {
    console.log(`${label.padEnd(14)} exit ${code}: no results.json (${stderr.trim().split('\n').at(-1)})`);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** 2 x cores processes that spin until killed. */
function busyLoops(): () => void {
  const loops = Array.from({ length: os.availableParallelism() * 2 }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
  return () => loops.forEach((loop) => loop.kill('SIGKILL'));
}

const load = tally();
const quiet = tally();
console.log(`stress: the quickstart ${runs} time(s) each under a 10% CPU quota, beside ${os.availableParallelism() * 2} busy loops, and quiet`);
for (let i = 1; i <= runs; i++) {
  await using quota = await cpuQuota(`upgrade-harness-stress-${process.pid}`, 0.1);
  if (quota) await quickstart(`cpu quota 10% #${i}`, load, quota.procsFile);
  else console.log(`cpu quota      skipped: no writable cgroup (cgroup v1 cpu controller or v2 cpu.max) on this machine`);
  const stop = busyLoops();
  try {
    await quickstart(`busy loops #${i}`, load);
  } finally {
    stop();
  }
  await quickstart(`quiet #${i}`, quiet);
}
console.log(
  `stress: ${load.runs} runs under load, ${load.failed} cells failed, ${load.error} cells error (starved), ${load.passed} passed; quiet: ${quiet.runs} runs, ${quiet.failed} failed`,
);
process.exit(load.failed === 0 && quiet.failed === 0 ? 0 : 1);
