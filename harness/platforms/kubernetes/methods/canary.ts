import { UpgradeFailedError } from '../../../errors.ts';
import type { KubernetesApp } from '../kubernetes-app.ts';
import { runMigrationJob } from '../migration-job.ts';
import { applyAll, servingProblems, versionObjects, waitRolledOut } from '../workload.ts';
import { requireService } from './blue-green.ts';
import { installSupportingObjects, waitServing } from './install-objects.ts';
import type { KubernetesMethod } from './kubernetes-method.ts';
import { scaled, serviceSelecting, slotFor, slotName, slotSelector, type Slot } from './version-slots.ts';

/**
 * Stable and canary Deployments behind one Service, the share of traffic set by their replica
 * ratio (a Service spreads requests over ready endpoints). At each step the canary grows first and
 * the stable shrinks once the canary's pods are ready, so capacity never dips; between steps the
 * cell's gates are judged on the traffic so far, and a breach scales the stable back up, removes
 * the canary and fails the upgrade.
 */
export const canary: KubernetesMethod = {
  name: 'canary',
  async install(app, version, context) {
    const objects = await versionObjects(app, version);
    const service = requireService(app, objects.service);
    let stable = slotFor(app, objects, version, app.cell.replicas);
    await installSupportingObjects(app, { ...objects, service: serviceSelecting(service, null) }, version, context);
    await resize(app, stable, app.cell.replicas);
    await waitServing(app, version);
    context.event(`canary: ${slotName(stable)} serves ${version}`);
    return {
      migrate: (to, kind) => runMigrationJob(app, to, kind),
      async upgrade(to) {
        const next = await versionObjects(app, to);
        await applyAll(app, next.rest);
        const fresh = slotFor(app, next, to, 0);
        const total = app.cell.replicas;
        const startedAt = performance.now();
        for (const percent of app.cell.methodOptions.canarySteps) {
          const onCanary = percent >= 100 ? total : Math.min(total, Math.max(1, Math.ceil((total * percent) / 100)));
          await resize(app, fresh, onCanary);
          await resize(app, stable, total - onCanary);
          context.event(`canary: ${onCanary} of ${total} pods on ${to} (step ${percent}%)`);
          if (percent >= 100) break;
          await context.hold(app.cell.methodOptions.canaryStepMs);
          const breached = context.checkGates(startedAt).filter((gate) => !gate.passed);
          if (breached.length > 0) {
            await resize(app, stable, total);
            await app.api.delete(fresh.deployment);
            context.event(`canary: gate breached at ${percent}%, ${slotName(stable)} scaled back to ${total}, ${slotName(fresh)} deleted`);
            const what = breached.map((gate) => `${gate.name} ${gate.actual} (limit ${gate.threshold})`).join(', ');
            throw new UpgradeFailedError(`canary stopped at ${percent}%: ${what}; traffic returned to the old version`, { code: 'CANARY_ABORTED', timingDependent: true });
          }
        }
        await app.api.delete(stable.deployment);
        context.event(`canary: ${slotName(stable)} (${stable.version}) deleted; ${slotName(fresh)} is the stable now`);
        stable = fresh;
      },
      problems: async (expected) => servingProblems(app, slotSelector(stable), expected),
    };
  },
};

/** The slot's Deployment at `replicas`, rolled out (its pods ready, or gone when shrinking). */
async function resize(app: KubernetesApp, slot: Slot, replicas: number): Promise<void> {
  await waitRolledOut(app, await app.api.apply(scaled(slot, replicas)), `Deployment ${slotName(slot)} at ${replicas} ready pods of ${slot.version}`);
}
