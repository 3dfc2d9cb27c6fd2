// How a rollback gets the data back that an upgrade changed, on platforms where the harness
// orchestrates (local, docker). A version may say its migrations cannot be undone (`rollback:
// { restore: snapshot }`): the state is copied before anything of it runs, and the way back from
// it is stop, restore, start the old version, all under traffic, measured. Or it names a
// down-migration (`rollback: { command }`), run once the method moved the replicas back.
import type { Installation, ReplicaPoolEnvironment } from '../platforms/platform.ts';
import { names, startReplicas } from './pool-operations.ts';
import type { Deployment, MethodContext } from './upgrade-method.ts';

export function withRollbackData(installation: Installation, deployment: Deployment, installed: string, context: MethodContext): Installation {
  const versions = context.cell.scenario.versions;
  const order = (version: string) => versions.findIndex((entry) => entry.version === version);
  const rollbackOf = (version: string) => versions[order(version)]?.rollback;
  const restoresSnapshot = (version: string) => rollbackOf(version) !== undefined && 'restore' in rollbackOf(version)!;
  /** The version the state is at, or on its way to: set when an upgrade starts, so one called off midway still counts as there. */
  let current = installed;
  /** The version the snapshot was taken on, and for which target. */
  let snapshot: { of: string; before: string } | null = null;

  const snapshotBefore = async (to: string, from: string, event: (message: string) => void) => {
    if (order(to) <= order(from) || !restoresSnapshot(to) || snapshot?.before === to) return;
    const said = await deployment.env.snapshotState();
    snapshot = { of: from, before: to };
    event(`state copied before the upgrade to ${to} (its migrations cannot be undone): ${said}; writes after this are lost by a restore`);
  };

  return {
    ...installation,
    async migrate(to, kind) {
      if (kind === 'pre' && order(to) > order(current)) {
        await snapshotBefore(to, current, context.event);
        current = to;
      }
      return installation.migrate(to, kind);
    },
    async upgrade(to, upgradeContext) {
      // An upgrade whose migrate-pre ran is on its way already: its snapshot was taken before.
      const from = snapshot?.before === to ? snapshot.of : current;
      await snapshotBefore(to, from, upgradeContext.event);
      const back = order(to) < order(current);
      const leaving = current;
      current = to;
      if (back && restoresSnapshot(leaving) && snapshot?.of === to) {
        await restore(deployment, to, upgradeContext);
        return;
      }
      await installation.upgrade(to, upgradeContext);
      // The mirror of an upgrade (migrate, then the code): the old code goes back first, on a
      // schema its successor's expand migration kept compatible, then the down-migration.
      if (back && rollbackOf(leaving) && 'down' in rollbackOf(leaving)!) {
        upgradeContext.event(`down-migration of ${leaving}, now that ${to} serves again`);
        await deployment.env.migrate(leaving, 'down');
      }
    },
  };
}

/** Every replica stops (the outage is measured), the state goes back, the old version starts on it. */
async function restore(deployment: Deployment, version: string, context: MethodContext): Promise<void> {
  const env: ReplicaPoolEnvironment = deployment.env;
  const all = [...deployment.live, ...deployment.standby];
  for (const replica of all) await env.frontDoor.drain(replica.id);
  await Promise.all(all.map((replica) => replica.stop()));
  for (const replica of all) await env.frontDoor.remove(replica.id);
  context.event(`stopped ${names(all)}: the state is restored under no replica`);
  deployment.live = [];
  deployment.standby = [];
  context.event(await env.restoreState());
  const fresh = await startReplicas(env, version, context.cell.replicas, context);
  await env.frontDoor.setPool(fresh.map((replica) => ({ replica, weight: 1 })));
  deployment.live = fresh;
  context.event(`${names(fresh)} in service on the restored state`);
}
