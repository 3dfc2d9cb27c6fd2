import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_ID_LABEL } from './labels.ts';
import { LEASE_PREFIX } from './run-lease.ts';

/** Prefix of every temporary folder a run creates; each holds an owner.json naming its run. */
export const WORK_DIR_PREFIX = 'upgrade-harness-';
export const OWNER_FILE = 'owner.json';

export interface LabelledProcess {
  pid: number;
  runId: string;
}

/** Processes whose environment carries a run's labels (Linux /proc). */
export async function labelledProcesses(): Promise<LabelledProcess[]> {
  const found: LabelledProcess[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    const vars = new Map(environ.split('\0').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
    const runId = vars.get(RUN_ID_LABEL);
    if (runId) found.push({ pid: Number(entry), runId });
  }
  return found;
}

/** Kills labelled processes of runs that are gone (see run-lease.ts); returns how many. */
export async function killOrphanedProcesses(live: Set<string>): Promise<number> {
  const orphans = (await labelledProcesses()).filter((p) => !live.has(p.runId));
  for (const orphan of orphans) {
    try {
      process.kill(orphan.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return orphans.length;
}

/** Removes temporary folders of runs that are gone; returns how many. */
export async function removeOrphanedWorkDirs(live: Set<string>): Promise<number> {
  let removed = 0;
  for (const entry of await readdir(tmpdir()).catch(() => [] as string[])) {
    if (!entry.startsWith(WORK_DIR_PREFIX) || entry.startsWith(LEASE_PREFIX)) continue;
    const dir = join(tmpdir(), entry);
    const owner = await readFile(join(dir, OWNER_FILE), 'utf8').then((text) => JSON.parse(text) as { runId?: string }, () => null);
    if (owner?.runId && live.has(owner.runId)) continue;
    await rm(dir, { recursive: true, force: true });
    removed++;
  }
  return removed;
}
