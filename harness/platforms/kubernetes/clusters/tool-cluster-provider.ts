// A ClusterProvider for a tool that creates local clusters (kind, k3d): per cell, a cluster of its
// own, deleted with the lease; per run, one cluster per Kubernetes version shared by the run's cells,
// each holding one of its front-door slots while its lease lasts, deleted when the run's shared
// resources are disposed. gc deletes the clusters whose names carry a run that is gone.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolMissingError } from '../../../tools/run-tool.ts';
import type { ClusterDriver } from './cluster-driver.ts';
import { perCellClusterName, perRunClusterName, runIdOfClusterName } from './cluster-names.ts';
import type { ClusterLease, ClusterProvider, ClusterRequest } from './cluster-provider.ts';
import type { FrontDoorSlot } from './front-door-slots.ts';
import { createToolCluster, type ToolCluster } from './tool-cluster.ts';

export function toolClusterProvider(driver: ClusterDriver): ClusterProvider {
  return {
    name: driver.tool,
    checkTools: () => driver.checkTools(),
    acquire: (request) => (request.scope === 'per-run' ? acquireShared(driver, request) : acquireOwn(driver, request)),
    collectGarbage: (isRunAlive) => collectGarbage(driver, isRunAlive),
  };
}

async function acquireOwn(driver: ClusterDriver, request: ClusterRequest): Promise<ClusterLease> {
  const kubernetesVersion = versionOf(request);
  const cluster = await createToolCluster(driver, {
    runId: request.runId,
    name: perCellClusterName(request.runId, request.cellId),
    kubernetesVersion,
    slotCount: 1,
    logDir: request.logDir,
    event: (message) => request.event(message),
    signal: request.signal,
  });
  try {
    await cluster.loadImages(request.images, (message) => request.event(message), request.signal);
    const slot = await cluster.frontDoors.take(request.signal);
    return lease(cluster, slot, false, async () => {
      cluster.frontDoors.give(slot);
      await cluster[Symbol.asyncDispose]();
    });
  } catch (error) {
    await Promise.resolve(cluster[Symbol.asyncDispose]()).catch((cause: unknown) => request.event(`could not delete ${driver.tool} cluster ${cluster.name}: ${(cause as Error).message}`));
    throw error;
  }
}

async function acquireShared(driver: ClusterDriver, request: ClusterRequest): Promise<ClusterLease> {
  const kubernetesVersion = versionOf(request);
  // The first cell to ask creates it, with its log folder and events, under the run's signal: one
  // cell's deadline does not break it for the others (SharedResources does not retry a failure).
  const cluster = await request.shared(`${driver.tool}-cluster:${kubernetesVersion ?? 'default'}`, () =>
    createToolCluster(driver, {
      runId: request.runId,
      name: perRunClusterName(request.runId, kubernetesVersion),
      kubernetesVersion,
      slotCount: Math.max(1, request.concurrency),
      logDir: request.logDir,
      event: (message) => request.event(message),
      signal: request.runSignal,
    }),
  );
  const slot = await cluster.frontDoors.take(request.signal);
  try {
    await cluster.loadImages(request.images, (message) => request.event(message), request.signal);
  } catch (error) {
    cluster.frontDoors.give(slot);
    throw error;
  }
  return lease(cluster, slot, true, async () => cluster.frontDoors.give(slot));
}

function lease(cluster: ToolCluster, slot: FrontDoorSlot, shared: boolean, release: () => Promise<void>): ClusterLease {
  const version = cluster.kubernetesVersion ? `v${cluster.kubernetesVersion}` : "the tool's default Kubernetes version";
  let released: Promise<void> | undefined;
  return {
    kubeconfig: cluster.kubeconfig,
    context: cluster.context,
    description: `${cluster.tool} cluster ${cluster.name} (${version}${shared ? ', shared by the run' : ''})`,
    frontDoor: { nodePort: slot.nodePort, url: `http://127.0.0.1:${slot.hostPort}` },
    [Symbol.asyncDispose]() {
      released ??= release();
      return released;
    },
  };
}

/** Matrices may write `1.34.0` or `v1.34.0`; names, keys and images use it without the v. */
function versionOf(request: ClusterRequest): string | undefined {
  return request.kubernetesVersion?.trim().replace(/^v/, '') || undefined;
}

async function collectGarbage(driver: ClusterDriver, isRunAlive: (runId: string) => boolean): Promise<number> {
  let names: string[];
  try {
    names = await driver.list();
  } catch (error) {
    // Without the tool there can be no clusters of it to collect.
    if (error instanceof ToolMissingError) return 0;
    throw error;
  }
  const orphans = names.filter((name) => {
    const runId = runIdOfClusterName(name);
    return runId !== null && !isRunAlive(runId);
  });
  if (orphans.length === 0) return 0;
  // Their kubeconfigs went with their runs; the tools get an empty one to edit instead of ~/.kube/config.
  const scratch = await mkdtemp(join(tmpdir(), 'uh-cluster-gc-'));
  try {
    for (const name of orphans) await driver.delete(name, join(scratch, `${name}.kubeconfig`));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return orphans.length;
}
