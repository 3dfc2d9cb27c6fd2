// `upgrade-harness gc` for docker: containers, networks and volumes labelled by a run whose owning
// harness process is gone (killed, crashed) are removed; those of live runs are left alone.
import { isAlive } from '../../runner/leftovers.ts';
import { DOCKER_OWNER_PID_LABEL, DOCKER_RUN_ID_LABEL } from './docker-labels.ts';
import { dockerode } from './docker-runtime.ts';

export interface DockerLeftovers {
  containers: number;
  networks: number;
  volumes: number;
}

const orphaned = (labels: Record<string, string> | undefined): boolean => !isAlive(Number(labels?.[DOCKER_OWNER_PID_LABEL] ?? 0));

export async function removeOrphanedDockerResources(): Promise<DockerLeftovers> {
  const engine = await dockerode();
  const filters = JSON.stringify({ label: [DOCKER_RUN_ID_LABEL] });
  const containers = (await engine.listContainers({ all: true, filters })).filter((info) => orphaned(info.Labels));
  // Containers first: a network cannot be removed while a container is attached.
  await Promise.all(containers.map((info) => engine.getContainer(info.Id).remove({ force: true, v: true }).catch(ignoreGone)));
  const networks = (await engine.listNetworks({ filters })).filter((info) => orphaned(info.Labels));
  await Promise.all(networks.map((info) => engine.getNetwork(info.Id).remove().catch(ignoreGone)));
  const volumes = ((await engine.listVolumes({ filters })).Volumes ?? []).filter((info) => orphaned(info.Labels ?? undefined));
  await Promise.all(volumes.map((info) => engine.getVolume(info.Name).remove().catch(ignoreGone)));
  return { containers: containers.length, networks: networks.length, volumes: volumes.length };
}

/** Someone else removed it meanwhile (404), or it is already being removed (409): nothing left to do. */
function ignoreGone(error: { statusCode?: number }): void {
  if (error.statusCode === 404 || error.statusCode === 409) return;
  throw error;
}
