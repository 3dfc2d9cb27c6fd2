// Docker suites run when a daemon answers and the images are built; otherwise they skip with a
// printed reason, except under UPGRADE_HARNESS_REQUIRE_DOCKER=1 (CI), where that is a failure.
import { inspectImage } from '../../harness/tools/docker-cli.ts';
import { dockerUnavailableReason, dockerode } from '../../harness/platforms/docker/docker-runtime.ts';
import { DOCKER_RUN_ID_LABEL } from '../../harness/platforms/docker/docker-labels.ts';
import { HAPROXY_IMAGE, POSTGRES_IMAGE } from '../../harness/platforms/docker/image-names.ts';
import { CONTAINER_HOST_IMAGE } from '../../harness/platforms/vm/machines/container-host.ts';

export const dockerRequired = process.env.UPGRADE_HARNESS_REQUIRE_DOCKER === '1';

/** Why the docker suites cannot run here, or null when they can. */
export async function dockerSkipReason(): Promise<string | null> {
  const unavailable = await dockerUnavailableReason();
  if (unavailable) return `no Docker daemon answers (${unavailable.split('\n')[0]})`;
  for (const image of [POSTGRES_IMAGE, HAPROXY_IMAGE, CONTAINER_HOST_IMAGE, 'upgrade-harness/sample-app:1.0.0']) {
    if (!(await inspectImage(image).catch(() => null))) return `image ${image} is not built (run: npx upgrade-harness images build)`;
  }
  return null;
}

/** Prints the reason once per suite; throws when docker is required. */
export async function dockerGate(suite: string): Promise<boolean> {
  const reason = await dockerSkipReason();
  if (reason === null) return true;
  if (dockerRequired) throw new Error(`${suite}: UPGRADE_HARNESS_REQUIRE_DOCKER=1 but ${reason}`);
  console.log(`skipping ${suite}: ${reason}`);
  return false;
}

export interface LabelledContainer {
  id: string;
  role: string;
  ports: { ip: string; publicPort?: number }[];
}

/** Containers (any state) carrying a run id label; all runs when runId is omitted. */
export async function containersOfRun(runId?: string): Promise<LabelledContainer[]> {
  const filters = JSON.stringify({ label: [runId ? `${DOCKER_RUN_ID_LABEL}=${runId}` : DOCKER_RUN_ID_LABEL] });
  const list = await (await dockerode()).listContainers({ all: true, filters });
  return list.map((info) => ({
    id: info.Id,
    role: info.Labels['upgrade-harness.role'] ?? '',
    ports: info.Ports.map((port) => ({ ip: port.IP, publicPort: port.PublicPort })),
  }));
}

export async function networksOfRun(runId: string): Promise<string[]> {
  const filters = JSON.stringify({ label: [`${DOCKER_RUN_ID_LABEL}=${runId}`] });
  return (await (await dockerode()).listNetworks({ filters })).map((info) => info.Name);
}
