import { admit, retire, startReplicas } from './pool-operations.ts';
import type { UpgradeMethod } from './upgrade-method.ts';

/**
 * One replica at a time, start-first (surge 1, unavailable 0): a new replica joins the pool once
 * ready, then an old one is drained and stopped.
 */
export const rolling: UpgradeMethod = {
  name: 'rolling',
  async upgrade(deployment, to, context) {
    for (const old of [...deployment.live]) {
      const [fresh] = await startReplicas(deployment.env, to, 1, context);
      await admit(deployment, [fresh!], context);
      deployment.live = [...deployment.live, fresh!];
      await retire(deployment, [old], context);
      deployment.live = deployment.live.filter((replica) => replica !== old);
    }
  },
};
