// A private folder for one cluster's kubeconfig and tool config: outside the cell's log folder
// because a shared cluster outlives the cell that created it, and marked with owner.json like every
// run folder, so `upgrade-harness gc` removes it when the harness died before disposing it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OWNER_FILE, WORK_DIR_PREFIX } from '../../../runner/leftovers.ts';

export interface ClusterWorkDir extends AsyncDisposable {
  readonly path: string;
}

export async function createClusterWorkDir(runId: string, clusterName: string): Promise<ClusterWorkDir> {
  const path = await mkdtemp(join(tmpdir(), `${WORK_DIR_PREFIX}${clusterName}-`));
  await writeFile(join(path, OWNER_FILE), JSON.stringify({ pid: process.pid, runId, cluster: clusterName }));
  return {
    path,
    async [Symbol.asyncDispose]() {
      await rm(path, { recursive: true, force: true });
    },
  };
}
