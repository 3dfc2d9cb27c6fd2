// package-in-place: one machine, the new version's package installed over the old one with apt.
// Its maintainer scripts run the migrations and restart the service, so there is downtime, and
// the harness measures how long.
import type { VmMethod } from './vm-method.ts';
import { awaitServing, configureNode, installOn, nodeProblems } from './vm-method.ts';

export const packageInPlace: VmMethod = async (setup, version, context) => {
  const node = setup.app[0]!;
  await configureNode(setup, node);
  await installOn(setup, node, version, context);
  await awaitServing(setup, `${node.name} (${version})`);
  return {
    migrate: async (target, kind) => `carried out by the package's postinst on ${node.name} during the upgrade (${kind}-deployment migrations of ${target})`,
    upgrade: async (to, upgradeContext) => {
      await installOn(setup, node, to, upgradeContext);
      await awaitServing(setup, `${node.name} (${to})`);
      upgradeContext.event(`${node.name}: ${to} answers ready`);
    },
    problems: (expected) => nodeProblems(setup, expected),
  };
};
