// The check's long-running children (gitlab-ci-local and the harness runs it starts, the
// workflow's scripts), each in a process group of its own, so that interrupting the check ends
// whole trees and not just their tops.
import { execa, type ResultPromise } from 'execa';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Ran {
  exitCode: number;
  stdout: string;
  /** stdout and stderr interleaved. */
  all: string;
}

const live = new Set<ResultPromise>();
let stopping = false;

/** Runs to the end whatever its exit code; output as text. */
export async function runInGroup(file: string, args: string[], options: { cwd: string; env: Record<string, string>; extendEnv?: boolean }): Promise<Ran> {
  if (stopping) throw new Error(`interrupted: not starting ${file}`);
  const child = execa(file, args, { ...options, detached: true, reject: false, all: true });
  live.add(child);
  try {
    const result = await child;
    return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), all: String(result.all) };
  } finally {
    live.delete(child);
  }
}

const signalGroups = (signal: NodeJS.Signals) => {
  for (const child of live) if (child.pid !== undefined) process.kill(-child.pid, signal);
};

/**
 * Starts no more children; SIGTERM to every group (the harness then stops its cells), SIGKILL
 * to what is left after 15 s.
 */
export async function endChildren(): Promise<void> {
  stopping = true;
  if (live.size === 0) return;
  signalGroups('SIGTERM');
  await Promise.race([Promise.allSettled([...live]), sleep(15_000)]);
  signalGroups('SIGKILL');
}
