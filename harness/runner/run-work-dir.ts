// A private temporary folder of a run (packages built for a cell, a cluster's kubeconfig), marked
// with owner.json like every run folder, so `upgrade-harness gc` removes it when the harness died
// before disposing it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempFolderError } from '../util/temp-folder.ts';
import { OWNER_FILE, WORK_DIR_PREFIX } from './leftovers.ts';

export interface RunWorkDir extends AsyncDisposable {
  readonly path: string;
}

export async function createRunWorkDir(runId: string, label: string): Promise<RunWorkDir> {
  const path = await mkdtemp(join(tmpdir(), `${WORK_DIR_PREFIX}${label}-`)).catch((cause: unknown) => {
    throw tempFolderError(cause);
  });
  await writeFile(join(path, OWNER_FILE), JSON.stringify({ pid: process.pid, runId, label }));
  return {
    path,
    async [Symbol.asyncDispose]() {
      await rm(path, { recursive: true, force: true });
    },
  };
}
