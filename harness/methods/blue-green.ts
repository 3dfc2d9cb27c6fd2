import { names, retire, startReplicas } from './pool-operations.ts';
import type { Deployment, MethodContext, UpgradeMethod } from './upgrade-method.ts';

/**
 * A full pool of the new version beside the old, one atomic switch of the front door, and the
 * old pool kept out of traffic until the new one is verified, so returning is one more switch.
 */
export const blueGreen: UpgradeMethod = {
  name: 'blue-green',
  async upgrade(deployment, to, context) {
    const kept = deployment.standby.filter((replica) => replica.version === to);
    const green = kept.length > 0 ? kept : await startReplicas(deployment.env, to, deployment.live.length, context);
    await switchTo(deployment, green, context);
  },
  async finalize(deployment, context) {
    if (deployment.standby.length === 0) return;
    await retire(deployment, deployment.standby, context);
    deployment.standby = [];
  },
};

async function switchTo(deployment: Deployment, green: typeof deployment.live, context: MethodContext): Promise<void> {
  const blue = deployment.live;
  await deployment.env.frontDoor.setPool(green.map((replica) => ({ replica, weight: 1 })));
  context.event(`switched traffic to ${names(green)}; keeping ${names(blue)} out of traffic`);
  deployment.live = green;
  deployment.standby = [...deployment.standby.filter((replica) => !green.includes(replica)), ...blue];
}
