// What an operator does, as the cell's timeline shows it: the harness did not make these changes,
// so it says what it sees the operator make. Jobs created and finished (the migrations), each
// Deployment's pod template moving to another version (with the strategy it rolls by), and the
// operator's own Normal events on its resource (Warnings are on the timeline already).
import type * as k8s from '@kubernetes/client-node';
import type { KubernetesApp } from '../kubernetes-app.ts';
import { finished } from '../migration-job.ts';

export function followOperator(app: KubernetesApp, resourceKind: string, event: (line: string) => void): Disposable {
  const jobStates = new Map<string, string>();
  const templateVersions = new Map<string, string | null>();
  const versionOfTemplate = (deployment: k8s.V1Deployment) => deployment.spec?.template.metadata?.labels?.[app.packaging.workload.versionLabel] ?? null;
  // What exists already (the harness's own objects, an earlier version) is the starting point, not news.
  for (const job of app.watch.jobs.list()) jobStates.set(job.metadata!.name!, jobState(job) ?? 'created');
  for (const deployment of app.watch.deployments.list()) templateVersions.set(deployment.metadata!.name!, versionOfTemplate(deployment));

  const unsubscribe = [
    app.watch.jobs.onChange(({ verb, object }) => {
      const name = object.metadata?.name ?? '?';
      if (verb === 'delete') return void jobStates.delete(name);
      if (!jobStates.has(name)) event(`Job ${name} created (${object.spec?.template.spec?.containers[0]?.command?.join(' ') ?? 'no command'})`);
      // Between its pods and its final condition a Job has neither: only news is worth a line.
      const state = jobState(object) ?? jobStates.get(name) ?? 'created';
      if (jobStates.get(name) !== state && state !== 'created') event(`Job ${name} ${state}`);
      jobStates.set(name, state);
    }),
    app.watch.deployments.onChange(({ verb, object }) => {
      const name = object.metadata?.name ?? '?';
      if (verb === 'delete') return void templateVersions.delete(name);
      const version = versionOfTemplate(object);
      if (templateVersions.has(name) && templateVersions.get(name) === version) return;
      templateVersions.set(name, version);
      event(`Deployment ${name}: pod template at ${version ?? 'no version label'}, ${object.spec?.replicas ?? 1} replicas (${strategyOf(object)})`);
    }),
    app.watch.events.onChange(({ verb, object }) => {
      if (verb !== 'add' || object.type === 'Warning' || object.involvedObject?.kind !== resourceKind) return;
      event(`${resourceKind}/${object.involvedObject.name} ${object.reason ?? ''}: ${object.message ?? ''}`);
    }),
  ];
  return { [Symbol.dispose]: () => unsubscribe.forEach((stop) => stop()) };
}

/** complete, failed, running while a pod is active; undefined in between (not started, or finishing). */
function jobState(job: k8s.V1Job): string | undefined {
  const outcome = finished(job);
  if (outcome === 'Complete') return 'complete';
  if (outcome === 'Failed') {
    const failed = job.status?.conditions?.find((condition) => condition.type === 'Failed');
    return `failed: ${failed?.message ?? failed?.reason ?? ''}`;
  }
  return (job.status?.active ?? 0) > 0 ? 'running' : undefined;
}

function strategyOf(deployment: k8s.V1Deployment): string {
  const strategy = deployment.spec?.strategy;
  if (strategy?.type === 'Recreate') return 'strategy Recreate';
  return `RollingUpdate maxSurge ${strategy?.rollingUpdate?.maxSurge ?? '25%'} maxUnavailable ${strategy?.rollingUpdate?.maxUnavailable ?? '25%'}`;
}
