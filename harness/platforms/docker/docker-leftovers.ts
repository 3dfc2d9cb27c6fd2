// `upgrade-harness gc` for docker: containers, networks and volumes this host made for a run that is
// gone (its lease is stale: killed, crashed) are removed; those of live runs, and every other
// host's, are left alone. gc talks to exactly the daemon it was given (DOCKER_HOST, else the
// default socket), never to another one it finds when that one does not answer.
import Dockerode from 'dockerode';
import { thisHost } from '../../runner/run-lease.ts';
import { DOCKER_HOST_LABEL, DOCKER_RUN_ID_LABEL } from './docker-labels.ts';

export interface DockerLeftovers {
  containers: number;
  networks: number;
  volumes: number;
}

export async function removeOrphanedDockerResources(live: Set<string>): Promise<DockerLeftovers> {
  const orphaned = (labels: Record<string, string> | undefined): boolean => labels?.[DOCKER_HOST_LABEL] === thisHost() && !live.has(labels[DOCKER_RUN_ID_LABEL] ?? '');
  // dockerode's own reading of DOCKER_HOST (or /var/run/docker.sock): no fallback to other sockets.
  const engine = new Dockerode();
  await engine.ping();
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
