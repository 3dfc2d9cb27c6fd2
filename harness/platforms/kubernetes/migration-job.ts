// A manifest install's migrations: the scenario's Job manifest for the version, created in the
// cell's namespace and followed until the Job controller says Complete or Failed.
import type * as k8s from '@kubernetes/client-node';
import { InfrastructureError, UpgradeFailedError, WaitTimeoutError } from '../../errors.ts';
import type { KubernetesApp } from './kubernetes-app.ts';
import { loadManifests } from './manifests.ts';
import { versionSlug } from './names.ts';
import { placeholderValues } from './workload.ts';

export async function runMigrationJob(app: KubernetesApp, version: string, kind: 'pre' | 'post'): Promise<void> {
  const file = app.packaging.migrations[kind];
  if (!file) return;
  const [job, ...others] = await loadManifests(file, placeholderValues(app, version));
  if (!job || job.kind !== 'Job' || others.length > 0) {
    throw new InfrastructureError(`${file} must hold exactly one Job`, { code: 'BAD_MIGRATION_JOB', hint: `kubernetes.migrations.${kind} in ${app.cell.scenario.file}` });
  }
  const name = `${job.metadata?.name ?? `migrate-${kind}`}-${versionSlug(version)}`.slice(0, 63);
  await app.api.apply({ ...job, metadata: { ...job.metadata, name, namespace: app.namespace, labels: { ...job.metadata?.labels, ...app.labels } } });
  const what = `the ${kind}-deployment migration of ${version} (Job ${name})`;
  let outcome: 'Complete' | 'Failed';
  try {
    outcome = await app.watch.jobs.until((jobs) => finished(jobs.find((candidate) => candidate.metadata?.name === name)), {
      what,
      timeoutMs: app.cell.kubernetes!.rolloutTimeoutMs,
      signal: app.signal,
      lastEvents: () => app.watch.lastLines(),
    });
  } catch (error) {
    if (error instanceof WaitTimeoutError) throw new UpgradeFailedError(error.message, { code: 'MIGRATION_TIMEOUT', cause: error, timingDependent: true });
    throw error;
  }
  if (outcome === 'Failed') {
    throw new UpgradeFailedError(`${what} failed\nlast lines:\n  ${app.watch.lastLines().join('\n  ')}`, { code: 'MIGRATION_FAILED' });
  }
}

/** Complete or Failed once the Job controller says so (its condition True); undefined before. */
export function finished(job: k8s.V1Job | undefined): 'Complete' | 'Failed' | undefined {
  const done = job?.status?.conditions?.find((condition) => (condition.type === 'Complete' || condition.type === 'Failed') && condition.status === 'True');
  return done?.type as 'Complete' | 'Failed' | undefined;
}
