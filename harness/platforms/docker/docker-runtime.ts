// Access to the Docker Engine through testcontainers (dockerode underneath).
import type Dockerode from 'dockerode';
import { getContainerRuntimeClient, type ContainerRuntimeClient } from 'testcontainers';
import { InfrastructureError } from '../../errors.ts';

// testcontainers' reaper (Ryuk) is an image that cannot be pulled without a registry; this
// harness cleans up by its own labels instead (docker-leftovers.ts). Read when a container starts.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

let client: Promise<ContainerRuntimeClient> | undefined;

/** The Engine, or an InfrastructureError with a hint when no daemon answers. */
export async function dockerClient(): Promise<ContainerRuntimeClient> {
  client ??= getContainerRuntimeClient().catch((cause: unknown) => {
    client = undefined;
    throw new InfrastructureError(`no Docker daemon answers: ${cause instanceof Error ? cause.message : String(cause)}`, {
      code: 'DOCKER_UNAVAILABLE',
      hint: 'install docker.io and start dockerd (see README), then check `docker info`',
      cause,
    });
  });
  return client;
}

export async function dockerode(): Promise<Dockerode> {
  return (await dockerClient()).container.dockerode;
}

/** Why docker cannot be used here, or null when a daemon answers. Never throws. */
export async function dockerUnavailableReason(): Promise<string | null> {
  try {
    await (await dockerode()).ping();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
