import { UpgradeFailedError } from '../errors.ts';
import type { Replica } from '../platforms/platform.ts';
import { names, retire, startReplicas } from './pool-operations.ts';
import type { Deployment, UpgradeMethod } from './upgrade-method.ts';

/**
 * The new version beside the old with a growing share of traffic (e.g. 10%, 50%, 100%). Between
 * steps the cell's gates are judged on the traffic so far; a breach sends all traffic back to the
 * old version and fails the upgrade, as Argo Rollouts and Flagger do.
 */
export const canary: UpgradeMethod = {
  name: 'canary',
  async upgrade(deployment, to, context) {
    const stable = deployment.live;
    const fresh = await startReplicas(deployment.env, to, stable.length, context);
    const startedAt = performance.now();
    for (const percent of context.cell.methodOptions.canarySteps) {
      await setShare(deployment, stable, fresh, percent);
      context.event(`canary: ${percent}% of traffic on ${to}`);
      if (percent === 100) break;
      await context.hold(context.cell.methodOptions.canaryStepMs);
      const breached = context.checkGates(startedAt).filter((gate) => !gate.passed);
      if (breached.length > 0) {
        await setShare(deployment, stable, fresh, 0);
        context.event(`canary: gate breached at ${percent}%, traffic returned to ${names(stable)}`);
        await retire(deployment, fresh, context);
        const what = breached.map((gate) => `${gate.name} ${gate.actual} (limit ${gate.threshold})`).join(', ');
        throw new UpgradeFailedError(`canary stopped at ${percent}%: ${what}; traffic returned to the old version`, {
          code: 'CANARY_ABORTED',
          // Judged on traffic: failures a starved machine caused must not count against the release.
          timingDependent: true,
        });
      }
    }
    await retire(deployment, stable, context);
    deployment.live = fresh;
  },
};

/** Weights so that `percent` of requests go to the fresh replicas, spread evenly inside each group. */
async function setShare(deployment: Deployment, stable: Replica[], fresh: Replica[], percent: number): Promise<void> {
  const members = [
    ...stable.map((replica) => ({ replica, weight: (100 - percent) * fresh.length })),
    ...fresh.map((replica) => ({ replica, weight: percent * stable.length })),
  ];
  await deployment.env.frontDoor.setPool(members.filter((member) => member.weight > 0));
}
