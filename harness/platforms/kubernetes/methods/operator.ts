// Method operator: the application installed and upgraded by its operator, as customers who run
// one do it. The harness installs the operator, creates the custom resource at the first version,
// and upgrades by changing the resource's version field; the operator carries out the sequence
// (its migrations, the rollout) and its status answers: done, refused or failed. A version that
// needs another operator upgrades the operator first. A rollback sets the old version back.
import type { OperatorInstall } from '../../../matrix/cell.ts';
import type { MethodContext } from '../../../methods/upgrade-method.ts';
import type { KubernetesApp } from '../kubernetes-app.ts';
import { CustomResource } from '../operator/custom-resource.ts';
import { installOperator, sameOperator } from '../operator/operator-install.ts';
import { followOperator } from '../operator/operator-timeline.ts';
import { servingProblems, workloadSelector } from '../workload.ts';
import { waitServing } from './install-objects.ts';
import type { KubernetesMethod } from './kubernetes-method.ts';

export const operatorMethod: KubernetesMethod = {
  name: 'operator',
  async install(app, version, context) {
    let operator = await installOperator(app, operatorFor(app, version), context);
    const resource = app.resources.use(await CustomResource.watch(app, version, context.event));
    app.resources.use(followOperator(app, resource.kind, context.event));
    const moveTo = async (to: string, moveContext: MethodContext) => {
      const next = operatorFor(app, to);
      if (!sameOperator(operator, next)) {
        moveContext.event(`operator: ${to} needs another operator; upgrading it first`);
        operator = await installOperator(app, next, moveContext, operator);
      }
      moveContext.event(`${resource.kind} ${resource.name}: ${app.packaging.operator!.versionField} set to ${to}`);
      const started = performance.now();
      await resource.moveTo(to, moveContext.signal, operator.process?.exited);
      moveContext.event(`${resource.kind} ${resource.name}: the operator reports ${to} done in ${Math.round(performance.now() - started)} ms`);
    };
    await moveTo(version, context);
    await waitServing(app, version);
    const selector = workloadSelector(app, 'the operator');
    return {
      async migrate(to, kind) {
        return kind === 'pre'
          ? `pre-deployment migration of ${to}: the operator's, run when the version changes (its Job is on the timeline)`
          : `post-deployment migration of ${to}: the operator's, run before it reported ${to} done`;
      },
      upgrade: async (to, upgradeContext) => {
        await moveTo(to, upgradeContext);
        await waitServing(app, to, upgradeContext.signal);
      },
      problems: async (expected) => servingProblems(app, selector, expected),
    };
  },
};

function operatorFor(app: KubernetesApp, version: string): OperatorInstall {
  return app.cell.scenario.versions.find((entry) => entry.version === version)?.kubernetes?.operator ?? app.packaging.operator!.install;
}
