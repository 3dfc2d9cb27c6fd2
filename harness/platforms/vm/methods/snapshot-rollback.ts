// A version whose migrations cannot be undone (`rollback: { restore: snapshot }`): before the
// upgrade to it the database is backed up, and the way back from it is not a plain downgrade but
// a restore: every node stops, the backup goes back in, the old package goes on without running
// any migration, and the nodes come back. Writes acknowledged after the backup are gone; the
// write ledger counts them, and the timeline says when the backup was taken.
import type { MethodContext } from '../../../methods/upgrade-method.ts';
import type { Installation } from '../../platform.ts';
import { mustRun } from '../machine.ts';
import { awaitServing, installOn, readyTimeoutMs, withoutMigrations, type VmSetup } from './vm-method.ts';

export function withSnapshotRollback(installation: Installation, setup: VmSetup, installed: string): Installation {
  const versions = setup.cell.scenario.versions;
  const order = (version: string) => versions.findIndex((entry) => entry.version === version);
  const needsSnapshot = (version: string) => { const rollback = versions[order(version)]?.rollback; return rollback !== undefined && 'restore' in rollback; };
  let current = installed;
  let backupOf: string | null = null;
  return {
    ...installation,
    async upgrade(to, context) {
      if (order(to) > order(current) && needsSnapshot(to)) {
        await setup.database.backup();
        backupOf = current;
        context.event(`database backed up on ${setup.database.machine.name} before the upgrade to ${to} (its migrations cannot be undone): writes after this are lost by a restore`);
      }
      if (order(to) < order(current) && needsSnapshot(current) && backupOf === to) await restoreTo(setup, to, context);
      else await installation.upgrade(to, context);
      current = to;
    },
  };
}

async function restoreTo(setup: VmSetup, version: string, context: MethodContext): Promise<void> {
  for (const node of setup.app) {
    if (setup.balancer) await setup.balancer.drain(node.name);
    await mustRun(node, ['systemctl', 'stop', setup.packaging.service]);
  }
  context.event(`every app node stopped (${setup.app.map((node) => node.name).join(', ')}): the database is restored under no app`);
  await setup.database.restore();
  context.event(`database restored on ${setup.database.machine.name} from the backup taken before the upgrade`);
  // The backup holds the old version's schema already: no maintainer script may migrate it again.
  for (const node of setup.app) await withoutMigrations(setup, node, () => installOn(setup, node, version, context));
  if (setup.balancer) for (const node of setup.app) await setup.balancer.restore(node.name, readyTimeoutMs(setup));
  else await awaitServing(setup, `${setup.app[0]!.name} (${version})`);
  context.event(`${version} serves again on the restored database`);
}
