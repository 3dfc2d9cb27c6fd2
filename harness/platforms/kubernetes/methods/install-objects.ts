// What every manifest install does first: the objects beside the workload (the database, the
// Service, ConfigMaps), the database ready, then the version's migrations, as on a fresh install.
import type { MethodContext } from '../../../methods/upgrade-method.ts';
import type { KubernetesApp } from '../kubernetes-app.ts';
import { runMigrationJob } from '../migration-job.ts';
import { applyAll, waitStatefulReady, type VersionObjects } from '../workload.ts';

export async function installSupportingObjects(app: KubernetesApp, objects: VersionObjects, version: string, context: MethodContext): Promise<void> {
  await applyAll(app, [...objects.rest, ...(objects.service ? [objects.service] : [])]);
  await waitStatefulReady(app, objects.rest);
  await runMigrationJob(app, version, 'pre');
  await runMigrationJob(app, version, 'post');
  context.event(`${version}: supporting objects applied, database ready, migrations run`);
}

/**
 * Until the Service has as many ready endpoints as the cell has replicas: traffic may start. The
 * signal is the upgrade's when it waits for one (an automatic rollback calls it off), else the cell's.
 */
export async function waitServing(app: KubernetesApp, version: string, signal: AbortSignal = app.signal): Promise<void> {
  await app.watch.endpointSlices.until(() => app.watch.readyEndpoints().filter((endpoint) => endpoint.version === version).length >= app.cell.replicas, {
    what: `${app.cell.replicas} ready endpoints of ${version} behind Service ${app.packaging.workload.service}`,
    timeoutMs: app.cell.kubernetes!.rolloutTimeoutMs,
    signal,
    lastEvents: () => app.watch.lastLines(),
  });
}
