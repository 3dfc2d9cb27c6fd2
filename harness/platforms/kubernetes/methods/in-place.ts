// rolling and recreate: one Deployment whose pod template changes; its strategy decides how the
// Deployment controller replaces the pods (RollingUpdate with the matrix's maxSurge and
// maxUnavailable, or Recreate: every old pod gone before a new one starts). A rollback applies the
// earlier version's objects again: the controller finds its old ReplicaSet by the template's hash
// and scales it back up, which is what `kubectl rollout undo` does.
import type * as k8s from '@kubernetes/client-node';
import type { MethodContext } from '../../../methods/upgrade-method.ts';
import type { Installation } from '../../platform.ts';
import type { KubernetesApp } from '../kubernetes-app.ts';
import { runMigrationJob } from '../migration-job.ts';
import { applyAll, selectorOf, servingProblems, versionObjects, waitRolledOut } from '../workload.ts';
import { installSupportingObjects, waitServing } from './install-objects.ts';

export async function installInPlace(app: KubernetesApp, version: string, context: MethodContext, strategy: k8s.V1DeploymentStrategy): Promise<Installation> {
  const deploy = async (to: string, verb: string, signal: AbortSignal) => {
    const objects = await versionObjects(app, to);
    const deployment: k8s.V1Deployment = { ...objects.deployment, spec: { ...objects.deployment.spec!, replicas: app.cell.replicas, strategy } };
    if (verb === 'install') await installSupportingObjects(app, objects, to, context);
    else await applyAll(app, [...objects.rest, ...(objects.service ? [objects.service] : [])]);
    const applied = await app.api.apply(deployment);
    context.event(`Deployment ${deployment.metadata!.name}: ${verb} ${to} (${describeStrategy(strategy)})`);
    await waitRolledOut(app, applied, `Deployment ${deployment.metadata!.name} to roll out ${to}`, signal);
    context.event(`Deployment ${deployment.metadata!.name}: rolled out ${to}`);
    return deployment;
  };
  const installed = await deploy(version, 'install', context.signal);
  await waitServing(app, version);
  const selector = selectorOf(installed);
  return {
    migrate: (to, kind) => runMigrationJob(app, to, kind),
    // Called off midway (an automatic rollback), the next apply of the old version is `kubectl rollout undo`.
    upgrade: async (to, upgradeContext) => void (await deploy(to, 'rolling out', upgradeContext.signal)),
    problems: async (expected) => servingProblems(app, selector, expected),
  };
}

function describeStrategy(strategy: k8s.V1DeploymentStrategy): string {
  if (strategy.type !== 'RollingUpdate') return `strategy ${strategy.type}`;
  return `RollingUpdate maxSurge ${strategy.rollingUpdate?.maxSurge} maxUnavailable ${strategy.rollingUpdate?.maxUnavailable}`;
}
