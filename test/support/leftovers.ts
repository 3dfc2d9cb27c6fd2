import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OWNER_FILE, WORK_DIR_PREFIX } from '../../harness/runner/leftovers.ts';

/** Temporary folders of one run (other tests run beside it), found by their owner file. */
export async function workDirsOf(runId: string): Promise<string[]> {
  const mine: string[] = [];
  for (const entry of await readdir(tmpdir())) {
    if (!entry.startsWith(WORK_DIR_PREFIX)) continue;
    const owner = await readFile(join(tmpdir(), entry, OWNER_FILE), 'utf8').catch(() => '{}');
    if ((JSON.parse(owner) as { runId?: string }).runId === runId) mine.push(entry);
  }
  return mine;
}
