import type * as k8s from '@kubernetes/client-node';
import { InfrastructureError } from '../../../errors.ts';
import type { KubernetesApp } from '../kubernetes-app.ts';
import { runMigrationJob } from '../migration-job.ts';
import { applyAll, servingProblems, versionObjects, waitRolledOut } from '../workload.ts';
import { installSupportingObjects, waitServing } from './install-objects.ts';
import type { KubernetesMethod } from './kubernetes-method.ts';
import { serviceSelecting, slotFor, slotName, slotSelector, type Slot } from './version-slots.ts';

/**
 * A second Deployment of the new version, fully rolled out beside the old; then the Service's
 * selector switched to it in one update; the old Deployment kept, at full size, until the new
 * version is verified, so a rollback is the selector switched back.
 */
export const blueGreen: KubernetesMethod = {
  name: 'blue-green',
  async install(app, version, context) {
    const objects = await versionObjects(app, version);
    const service = requireService(app, objects.service);
    let live = slotFor(app, objects, version, app.cell.replicas);
    let standby: Slot | null = null;
    await installSupportingObjects(app, { ...objects, service: serviceSelecting(service, live) }, version, context);
    await startSlot(app, live, context.signal);
    await waitServing(app, version);
    context.event(`blue-green: ${slotName(live)} serves ${version}`);

    /** A green slot being rolled out: deleted if the upgrade is called off and the cell returns to live. */
    let pending: Slot | null = null;
    const switchTo = async (slot: Slot, signal: AbortSignal) => {
      await app.api.apply(serviceSelecting(service, slot));
      context.event(`blue-green: Service ${service.metadata!.name} switched to ${slotName(slot)} (${slot.version}); ${slotName(live)} kept out of traffic`);
      await waitServing(app, slot.version, signal);
    };
    return {
      migrate: (to, kind) => runMigrationJob(app, to, kind),
      async upgrade(to, upgradeContext) {
        const { signal } = upgradeContext;
        if (standby?.version === to) {
          const back = standby;
          await switchTo(back, signal);
          [live, standby] = [back, live];
          return;
        }
        if (live.version === to) {
          // An upgrade called off before the switch (an automatic rollback): live never stopped serving.
          // The Service may have been switched to the new slot already: it selects live again.
          await app.api.apply(serviceSelecting(service, live));
          if (pending) await app.api.delete(pending.deployment);
          upgradeContext.event(`blue-green: Service ${service.metadata!.name} selects ${slotName(live)} (${to})${pending ? `, ${slotName(pending)} deleted` : ''}`);
          pending = null;
          await waitServing(app, to, signal);
          return;
        }
        const next = await versionObjects(app, to);
        await applyAll(app, next.rest);
        const green = slotFor(app, next, to, app.cell.replicas);
        pending = green;
        await startSlot(app, green, signal);
        context.event(`blue-green: ${slotName(green)} rolled out beside ${slotName(live)}`);
        await switchTo(green, signal);
        pending = null;
        if (standby) await app.api.delete(standby.deployment);
        [live, standby] = [green, live];
      },
      async finalize() {
        if (!standby) return;
        await app.api.delete(standby.deployment);
        context.event(`blue-green: ${slotName(standby)} (${standby.version}) deleted`);
        standby = null;
      },
      problems: async (expected) => servingProblems(app, slotSelector(live), expected),
    };
  },
};

async function startSlot(app: KubernetesApp, slot: Slot, signal: AbortSignal): Promise<void> {
  await waitRolledOut(app, await app.api.apply(slot.deployment), `Deployment ${slotName(slot)} to roll out ${slot.version}`, signal);
}

export function requireService(app: KubernetesApp, service: k8s.V1Service | undefined): k8s.V1Service {
  if (service) return service;
  throw new InfrastructureError(`the manifests have no Service ${app.packaging.workload.service}`, {
    code: 'NO_SERVICE',
    hint: `name the Service traffic goes through in kubernetes.workload.service of ${app.cell.scenario.file}`,
  });
}
