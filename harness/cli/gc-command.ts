import { killOrphanedProcesses, removeOrphanedWorkDirs } from '../runner/leftovers.ts';

/** `upgrade-harness gc`: removes what killed runs left behind, found by their labels. */
export async function gcCommand(): Promise<number> {
  const processes = await killOrphanedProcesses();
  const folders = await removeOrphanedWorkDirs();
  process.stdout.write(`gc: ${processes} processes and ${folders} temporary folders of finished runs removed\n`);
  await collectDocker();
  await collectKubernetes();
  return 0;
}

async function collectKubernetes(): Promise<void> {
  const { removeOrphanedKubernetesResources } = await import('../platforms/kubernetes/kubernetes-leftovers.ts');
  const removed = await removeOrphanedKubernetesResources();
  const namespaces = removed.skipped ? `namespaces not looked for (${removed.skipped})` : `${removed.namespaces} namespaces`;
  process.stdout.write(`gc: ${removed.clusters} kind/k3d clusters and ${namespaces} of finished runs removed\n`);
}

/** Containers, networks and volumes of dead runs; nothing to do (and no error) where no daemon answers. */
async function collectDocker(): Promise<void> {
  const { dockerUnavailableReason } = await import('../platforms/docker/docker-runtime.ts');
  const unavailable = await dockerUnavailableReason();
  if (unavailable) {
    process.stdout.write(`gc: docker skipped (no daemon answers: ${unavailable.split('\n')[0]})\n`);
    return;
  }
  const { removeOrphanedDockerResources } = await import('../platforms/docker/docker-leftovers.ts');
  const removed = await removeOrphanedDockerResources();
  process.stdout.write(`gc: ${removed.containers} containers, ${removed.networks} networks and ${removed.volumes} volumes of finished runs removed\n`);
}
