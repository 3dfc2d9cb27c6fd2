import { admit, retire, startReplicas } from './pool-operations.ts';
import type { UpgradeMethod } from './upgrade-method.ts';

/**
 * One replica at a time. start-first (surge 1, unavailable 0): a new replica joins the pool once
 * ready, then an old one is drained and stopped. stop-first (surge 0, unavailable 1): an old
 * replica leaves first, for platforms with no room for one more; the others carry the traffic.
 */
export const rolling: UpgradeMethod = {
  name: 'rolling',
  async upgrade(deployment, to, context) {
    const stopFirst = context.cell.methodOptions.rollingOrder === 'stop-first';
    // A replica on `to` already stays: an upgrade called off midway returns only what it moved.
    for (const old of deployment.live.filter((replica) => replica.version !== to)) {
      if (stopFirst) {
        await retire(deployment, [old], context);
        deployment.live = deployment.live.filter((replica) => replica !== old);
      }
      const [fresh] = await startReplicas(deployment.env, to, 1, context);
      await admit(deployment, [fresh!], context);
      deployment.live = [...deployment.live, fresh!];
      if (!stopFirst) {
        await retire(deployment, [old], context);
        deployment.live = deployment.live.filter((replica) => replica !== old);
      }
    }
    // Short of the cell's count only after a stop-first upgrade called off between its stop and start.
    while (deployment.live.length < context.cell.replicas) {
      const [fresh] = await startReplicas(deployment.env, to, 1, context);
      await admit(deployment, [fresh!], context);
      deployment.live = [...deployment.live, fresh!];
    }
  },
};
