// package-rolling: the documented multi-node zero-downtime sequence for a Linux package behind a
// load balancer (as GitLab documents it for Omnibus). The deploy node first: drained in HAProxy,
// upgraded with post-deployment migrations skipped so its maintainer script runs only the
// regular ones, health-checked and put back; then every other node, one at a time, drained,
// upgraded with no migrations at all, checked and put back; the post-deployment migrations last,
// on the deploy node, once every node runs the new version.
import { UpgradeFailedError } from '../../../errors.ts';
import type { MethodContext } from '../../../methods/upgrade-method.ts';
import type { Machine } from '../machine.ts';
import { configureNode, installOn, nodeProblems, readyTimeoutMs, withoutMigrations, type VmSetup, type VmMethod } from './vm-method.ts';

export const packageRolling: VmMethod = async (setup, version, context) => {
  const [deploy, ...others] = setup.app as [Machine, ...Machine[]];
  const balancer = setup.balancer!;
  for (const node of setup.app) await configureNode(setup, node);
  await installOn(setup, deploy, version, context);
  await Promise.all(others.map((node) => withoutMigrations(setup, node, () => installOn(setup, node, version, context))));
  await balancer.start();
  context.event(`HAProxy on ${balancer.machine.name}: ${describeStates(await balancer.states())}`);
  const skipPost = { [setup.packaging.migrations.skipPostDeploymentEnv]: 'true' };

  /** One node out of rotation, upgraded, back in once HAProxy's checks see it ready. */
  const upgradeNode = async (node: Machine, to: string, upgradeContext: MethodContext, install: () => Promise<void>) => {
    await balancer.drain(node.name);
    upgradeContext.event(`${node.name}: drained in HAProxy (no requests left on it), in maintenance`);
    let installed = false;
    try {
      await install();
      installed = true;
    } finally {
      // Refused or failed, the node goes back: what it runs still serves (a refusal changed nothing).
      await balancer.restore(node.name, readyTimeoutMs(setup)).catch((error: Error) => {
        if (installed) throw new UpgradeFailedError(`${node.name} did not come back ready after the upgrade to ${to}: ${error.message}`, { code: 'NODE_NOT_READY', timingDependent: true, cause: error });
        upgradeContext.event(`${node.name}: not back in rotation: ${error.message}`);
      });
    }
    upgradeContext.event(`${node.name}: ${to} is up in HAProxy again (${describeStates(await balancer.states())})`);
  };

  return {
    migrate: async (target, kind) => {
      if (kind === 'pre') return `carried out by ${deploy.name}'s postinst during the upgrade (${setup.packaging.migrations.skipPostDeploymentEnv}=true: regular migrations only)`;
      await runPostDeploymentMigrations(setup, deploy, target, context);
    },
    upgrade: async (to, upgradeContext) => {
      await upgradeNode(deploy, to, upgradeContext, () => installOn(setup, deploy, to, upgradeContext, { env: skipPost }));
      for (const node of others) {
        await upgradeNode(node, to, upgradeContext, () => withoutMigrations(setup, node, () => installOn(setup, node, to, upgradeContext)));
      }
    },
    problems: (expected) => nodeProblems(setup, expected),
  };
};

async function runPostDeploymentMigrations(setup: VmSetup, deploy: Machine, version: string, context: MethodContext): Promise<void> {
  const command = setup.packaging.migrations.post.command.map((part) => part.replaceAll('{{version}}', version));
  context.event(`${deploy.name}: ${command.join(' ')}`);
  const result = await deploy.exec(command, { signal: setup.signal, timeoutMs: 300_000 });
  for (const line of `${result.stdout}\n${result.stderr}`.trim().split('\n').filter(Boolean).slice(-6)) context.event(`${deploy.name}: ${line}`);
  if (result.exitCode !== 0) throw new UpgradeFailedError(`the post-deployment migrations of ${version} failed on ${deploy.name} (exit ${result.exitCode})`, { code: 'MIGRATION_FAILED' });
}

function describeStates(states: Record<string, string>): string {
  return Object.entries(states).map(([node, state]) => `${node} ${state}`).join(', ');
}
