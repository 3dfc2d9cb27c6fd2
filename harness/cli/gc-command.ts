import { killOrphanedProcesses, removeOrphanedWorkDirs } from '../runner/leftovers.ts';
import { liveRunIds, removeStaleLeases } from '../runner/run-lease.ts';

/**
 * `upgrade-harness gc`: removes what runs that are gone left behind, found by their labels. A run is
 * alive while its lease is (runner/run-lease.ts), whichever PID namespace gc runs in.
 */
export async function gcCommand(): Promise<number> {
  const live = await liveRunIds();
  const processes = await killOrphanedProcesses(live);
  const folders = await removeOrphanedWorkDirs(live);
  await removeStaleLeases(live);
  process.stdout.write(`gc: ${processes} processes and ${folders} temporary folders of finished runs removed (${live.size} runs alive)\n`);
  await collectDocker(live);
  await collectKubernetes(live);
  return 0;
}

async function collectKubernetes(live: Set<string>): Promise<void> {
  const { removeOrphanedKubernetesResources } = await import('../platforms/kubernetes/kubernetes-leftovers.ts');
  const removed = await removeOrphanedKubernetesResources(live);
  const namespaces = removed.skipped ? `; namespaces not looked for (${removed.skipped})` : `, ${removed.namespaces} namespaces and ${removed.crds} CRDs`;
  process.stdout.write(`gc: ${removed.clusters} kind/k3d clusters${namespaces} of finished runs removed\n`);
}

/** Containers, networks and volumes of dead runs; nothing to do (and no error) where no daemon answers. */
async function collectDocker(live: Set<string>): Promise<void> {
  const { removeOrphanedDockerResources } = await import('../platforms/docker/docker-leftovers.ts');
  let removed;
  try {
    removed = await removeOrphanedDockerResources(live);
  } catch (error) {
    const daemon = process.env.DOCKER_HOST ? `DOCKER_HOST=${process.env.DOCKER_HOST}` : '/var/run/docker.sock';
    process.stdout.write(`gc: docker skipped (no daemon answers at ${daemon}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})\n`);
    return;
  }
  process.stdout.write(`gc: ${removed.containers} containers, ${removed.networks} networks and ${removed.volumes} volumes of finished runs removed\n`);
}
