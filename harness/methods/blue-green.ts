import { UpgradeFailedError } from '../errors.ts';
import { readinessProblem } from '../platforms/await-ready.ts';
import type { Replica } from '../platforms/platform.ts';
import { logTail } from '../util/log-tail.ts';
import { names, retire, startReplicas } from './pool-operations.ts';
import type { Deployment, MethodContext, UpgradeMethod } from './upgrade-method.ts';

/**
 * A full pool of the new version beside the old, one atomic switch of the front door, and the
 * old pool kept out of traffic until the new one is verified, so returning is one more switch.
 */
export const blueGreen: UpgradeMethod = {
  name: 'blue-green',
  async upgrade(deployment, to, context) {
    // Called off before its switch, an upgrade left the live pool where it was.
    if (deployment.live.length > 0 && deployment.live.every((replica) => replica.version === to)) return;
    const kept = deployment.standby.filter((replica) => replica.version === to);
    if (kept.length > 0) await assertStillReady(kept, context);
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

/**
 * The old pool waited out of traffic while the new version ran (and migrated the data it reads):
 * switching back to replicas that can no longer serve would be an outage the switch itself made,
 * so each is asked first, and the cell says which are not, quoting their logs.
 */
async function assertStillReady(pool: Replica[], context: MethodContext): Promise<void> {
  const readyPath = context.cell.scenario.endpoints.ready;
  const problems: string[] = [];
  for (const replica of pool) {
    const problem = await readinessProblem(replica, readyPath);
    if (problem) problems.push(`${replica.id} (${replica.version}): ${problem}\n    ${(await logTail(replica.logFile, 5)).join('\n    ')}`);
  }
  if (problems.length === 0) {
    context.event(`kept pool ${names(pool)} still ready`);
    return;
  }
  throw new UpgradeFailedError(`blue-green cannot switch back: the kept pool is no longer ready\n  ${problems.join('\n  ')}`, {
    code: 'STANDBY_NOT_READY',
    hint: 'the new version changed what the old one reads; declare how it rolls back (versions[].rollback) or roll forward',
  });
}
