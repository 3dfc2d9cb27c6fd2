// Starting the components as detached daemons and stopping them again. start-stop-daemon
// (Debian's dpkg) does the detaching: it forks, starts a new session, redirects output to the
// log and writes the pid file, then returns, so the daemons outlive this Node process and
// `down` can find them from the folder alone.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runTool } from '../../harness/tools/run-tool.ts';
import type { ComponentSpec } from './components.ts';
import type { ComponentName, RigLayout } from './layout.ts';
import { processAlive, processCommandLine } from './process-state.ts';

export interface RunningComponent {
  name: ComponentName;
  pid: number;
}

export async function startComponent(layout: RigLayout, spec: ComponentSpec): Promise<RunningComponent> {
  await mkdir(layout.logsDir, { recursive: true });
  await mkdir(layout.pidsDir, { recursive: true });
  const pidFile = layout.pidFile(spec.name);
  await runTool(
    'start-stop-daemon',
    ['--start', '--background', '--make-pidfile', '--pidfile', pidFile, '--output', layout.logFile(spec.name), '--chdir', layout.dir, '--exec', spec.binary, '--', ...spec.args],
    { env: spec.env, timeoutMs: 30_000, installHint: 'apt-get install -y dpkg (start-stop-daemon)' },
  );
  // --make-pidfile writes the file in the forked child: wait the moment it may take.
  for (let i = 0; i < 100; i++) {
    const pid = await readPid(pidFile);
    if (pid) return { name: spec.name, pid };
    await sleep(20);
  }
  throw new Error(`${spec.name} was started but wrote no pid file ${pidFile}`);
}

/** The components of the rig in DIR whose processes are still ours and alive. */
export async function runningComponents(layout: RigLayout): Promise<RunningComponent[]> {
  const files = await readdir(layout.pidsDir).catch(() => [] as string[]);
  const found: RunningComponent[] = [];
  for (const file of files.filter((f) => f.endsWith('.pid'))) {
    const name = basename(file, '.pid') as ComponentName;
    const pid = await readPid(layout.pidFile(name));
    if (pid && isOurs(layout, pid)) found.push({ name, pid });
  }
  return found;
}

/**
 * A pid from a file may have been reused by an unrelated process since: ours always have the
 * rig's folder on their command line (data dir, kubeconfig or config flags).
 */
function isOurs(layout: RigLayout, pid: number): boolean {
  if (!processAlive(pid)) return false;
  return processCommandLine(pid)?.includes(layout.dir) ?? false;
}

const TERM_GRACE_MS = 5_000;
const KILL_GRACE_MS = 3_000;

/** SIGTERM to all, SIGKILL to what is left after a few seconds; returns what survived both. */
export async function stopComponents(layout: RigLayout, components: RunningComponent[]): Promise<RunningComponent[]> {
  signalAll(components, 'SIGTERM');
  let left = await waitGone(layout, components, TERM_GRACE_MS);
  if (left.length) {
    signalAll(left, 'SIGKILL');
    left = await waitGone(layout, left, KILL_GRACE_MS);
  }
  return left;
}

function signalAll(components: RunningComponent[], signal: NodeJS.Signals): void {
  for (const { pid } of components) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone: that is the goal.
    }
  }
}

/**
 * Still ours, or still on its way out: a large process that is exiting has already released its
 * memory, so its command line reads empty for a while before it is gone (or a zombie); only a pid
 * whose command line names something else has been reused.
 */
function notGoneYet(layout: RigLayout, pid: number): boolean {
  if (!processAlive(pid)) return false;
  const commandLine = processCommandLine(pid);
  return commandLine === undefined || commandLine === '' || commandLine.includes(layout.dir);
}

async function waitGone(layout: RigLayout, components: RunningComponent[], withinMs: number): Promise<RunningComponent[]> {
  const deadline = performance.now() + withinMs;
  for (;;) {
    const left = components.filter(({ pid }) => notGoneYet(layout, pid));
    if (!left.length || performance.now() > deadline) return left;
    await sleep(100);
  }
}

async function readPid(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The last lines of a component's log, for the error that says which one failed. */
export async function logTail(layout: RigLayout, name: ComponentName, lines = 15): Promise<string> {
  const text = await readFile(layout.logFile(name), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line.trim() !== '').slice(-lines).join('\n');
}
