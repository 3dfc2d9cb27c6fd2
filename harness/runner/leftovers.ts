import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OWNER_PID_LABEL, RUN_ID_LABEL } from './labels.ts';

/** Prefix of every temporary folder a run creates; each holds an owner.json naming its run. */
export const WORK_DIR_PREFIX = 'upgrade-harness-';
export const OWNER_FILE = 'owner.json';

export interface LabelledProcess {
  pid: number;
  runId: string;
  ownerPid: number;
}

/** Processes whose environment carries a run's labels (Linux /proc). */
export async function labelledProcesses(): Promise<LabelledProcess[]> {
  const found: LabelledProcess[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    const vars = new Map(environ.split('\0').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
    const runId = vars.get(RUN_ID_LABEL);
    if (runId) found.push({ pid: Number(entry), runId, ownerPid: Number(vars.get(OWNER_PID_LABEL) ?? 0) });
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Kills labelled processes whose owning harness is gone; returns how many. */
export async function killOrphanedProcesses(): Promise<number> {
  const orphans = (await labelledProcesses()).filter((p) => !isAlive(p.ownerPid));
  for (const orphan of orphans) {
    try {
      process.kill(orphan.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return orphans.length;
}

/**
 * Runs whose harness is alive, from the owner.json of the temporary folders (every run holds one
 * for its whole life: see run-matrix.ts). What names a run id but is not among them is garbage.
 */
export async function liveRunIds(): Promise<Set<string>> {
  const live = new Set<string>();
  for (const entry of await readdir(tmpdir()).catch(() => [] as string[])) {
    if (!entry.startsWith(WORK_DIR_PREFIX)) continue;
    const owner = await readFile(join(tmpdir(), entry, OWNER_FILE), 'utf8').then((text) => JSON.parse(text) as { pid?: number; runId?: string }, () => null);
    if (owner?.runId && owner.pid && isAlive(owner.pid)) live.add(owner.runId);
  }
  return live;
}

/** A folder for the run's whole life, naming its owner: how `gc` (from another process) knows the run is alive. */
export async function createRunMarker(runId: string): Promise<AsyncDisposable> {
  const dir = await mkdtemp(join(tmpdir(), `${WORK_DIR_PREFIX}run-`));
  await writeFile(join(dir, OWNER_FILE), JSON.stringify({ pid: process.pid, runId }));
  return { [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) };
}

/** Removes temporary folders of runs whose owning harness is gone; returns how many. */
export async function removeOrphanedWorkDirs(): Promise<number> {
  let removed = 0;
  for (const entry of await readdir(tmpdir()).catch(() => [] as string[])) {
    if (!entry.startsWith(WORK_DIR_PREFIX)) continue;
    const dir = join(tmpdir(), entry);
    const owner = await readFile(join(dir, OWNER_FILE), 'utf8').then((text) => JSON.parse(text) as { pid: number }, () => null);
    if (owner && isAlive(owner.pid)) continue;
    await rm(dir, { recursive: true, force: true });
    removed++;
  }
  return removed;
}
