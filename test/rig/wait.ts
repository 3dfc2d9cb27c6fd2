// Waiting for a condition while watching the processes: a component that dies ends the wait
// at once with its own log, instead of a timeout that blames whatever was being waited for.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ComponentName, RigLayout } from './layout.ts';
import { processAlive } from './process-state.ts';
import { logTail, type RunningComponent } from './processes.ts';

export class RigStartError extends Error {
  readonly component: ComponentName;
  constructor(component: ComponentName, why: string, tail: string) {
    super(`rig: ${component} ${why}${tail ? `; last lines of its log:\n${tail.replace(/^/gm, '  ')}` : ' (its log is empty)'}`);
    this.name = 'RigStartError';
    this.component = component;
  }
}

export interface WaitTarget {
  /** What is awaited, for the message ("the API to be ready"). */
  what: string;
  /** The component to blame when it never happens. */
  blame: ComponentName;
  check: () => Promise<boolean>;
}

export async function waitFor(layout: RigLayout, running: readonly RunningComponent[], target: WaitTarget, deadline: number, signal?: AbortSignal): Promise<void> {
  for (;;) {
    signal?.throwIfAborted();
    await assertAlive(layout, running);
    if (await target.check()) return;
    if (performance.now() > deadline) {
      throw new RigStartError(target.blame, `did not get ${target.what} in time`, await logTail(layout, target.blame));
    }
    await sleep(100);
  }
}

export async function assertAlive(layout: RigLayout, running: readonly RunningComponent[]): Promise<void> {
  for (const { name, pid } of running) {
    if (!processAlive(pid)) throw new RigStartError(name, `exited during startup (pid ${pid})`, await logTail(layout, name));
  }
}
