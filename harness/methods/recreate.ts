import { admit, retire, startReplicas } from './pool-operations.ts';
import type { UpgradeMethod } from './upgrade-method.ts';

/** Stop every old replica, then start the new ones: simple, and down in between. */
export const recreate: UpgradeMethod = {
  name: 'recreate',
  async upgrade(deployment, to, context) {
    const old = deployment.live;
    await retire(deployment, old, context);
    deployment.live = [];
    const fresh = await startReplicas(deployment.env, to, old.length, context);
    await admit(deployment, fresh, context);
    deployment.live = fresh;
  },
};
