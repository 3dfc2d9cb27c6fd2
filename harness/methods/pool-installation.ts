import type { VersionEndpoint } from '../matrix/cell.ts';
import type { Installation, ReplicaPoolEnvironment } from '../platforms/platform.ts';
import { askVersion } from '../runner/verify.ts';
import { upgradeMethod } from './index.ts';
import { startReplicas } from './pool-operations.ts';
import { withRollbackData } from './rollback-data.ts';
import type { Deployment, MethodContext } from './upgrade-method.ts';

/**
 * Installs a version where the harness orchestrates (local, docker): its migrations, then the
 * cell's replica count started and put behind the front door; the cell's method moves them later.
 */
export async function installReplicaPool(env: ReplicaPoolEnvironment, version: string, context: MethodContext): Promise<Installation> {
  const method = upgradeMethod(context.cell.method);
  await env.migrate(version, 'pre');
  await env.migrate(version, 'post');
  const live = await startReplicas(env, version, context.cell.replicas, context);
  await env.frontDoor.setPool(live.map((replica) => ({ replica, weight: 1 })));
  context.event(`${context.cell.replicas} replicas of ${version} in service`);
  const deployment: Deployment = { env, live, standby: [] };
  const installation: Installation = {
    migrate: (to, kind) => env.migrate(to, kind),
    upgrade: (to, upgradeContext) => method.upgrade(deployment, to, upgradeContext),
    finalize: method.finalize ? (finalizeContext) => method.finalize!(deployment, finalizeContext) : undefined,
    problems: (expected) => replicaProblems(deployment, expected, context.cell.scenario.endpoints.version),
  };
  return withRollbackData(installation, deployment, version, context);
}

/** Every live replica reports `expected`, and none of the replicas kept died by itself. */
async function replicaProblems(deployment: Deployment, expected: string, versionEndpoint: VersionEndpoint): Promise<string[]> {
  const problems: string[] = [];
  for (const replica of [...deployment.live, ...deployment.standby]) {
    if (replica.exitedUnexpectedly) problems.push(`replica ${replica.id} (${replica.version}) exited by itself`);
  }
  for (const replica of deployment.live) {
    const answer = await askVersion(replica.url, versionEndpoint);
    if (answer.version === null) problems.push(`replica ${replica.id} (expected ${expected}): ${answer.problem}`);
    else if (answer.version !== expected) problems.push(`replica ${replica.id} reports version ${answer.version}, expected ${expected}`);
  }
  return problems;
}
