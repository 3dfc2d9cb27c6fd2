import { admit, retire, startReplicas } from './pool-operations.ts';
import type { UpgradeMethod } from './upgrade-method.ts';

/** Stop every old replica, then start the new ones: simple, and down in between. */
export const recreate: UpgradeMethod = {
  name: 'recreate',
  async upgrade(deployment, to, context) {
    if (deployment.live.length > 0 && deployment.live.every((replica) => replica.version === to)) return;
    const old = deployment.live;
    await retire(deployment, old, context);
    deployment.live = [];
    // The cell's count, not the old pool's: an upgrade called off midway may have left none.
    const fresh = await startReplicas(deployment.env, to, context.cell.replicas, context);
    await admit(deployment, fresh, context);
    deployment.live = fresh;
  },
};
