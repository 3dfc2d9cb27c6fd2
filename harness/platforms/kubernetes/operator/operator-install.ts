// Getting the operator into the cell: its CRDs (cluster-scoped: see cluster-objects.ts), then
// the operator itself in one of three ways: its manifests in the cell's namespace (waited on until its
// Deployments roll out), its chart (helm --wait), or a process on this machine against the
// cluster (a control plane without nodes that run images, such as the test rig).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { UpgradeFailedError } from '../../../errors.ts';
import type { OperatorInstall } from '../../../matrix/cell.ts';
import type { MethodContext } from '../../../methods/upgrade-method.ts';
import { helm } from '../../../tools/helm-cli.ts';
import { ToolFailedError } from '../../../tools/run-tool.ts';
import { waitFor } from '../../../util/wait-for.ts';
import { call, describeObject } from '../kube-api.ts';
import type { KubernetesApp } from '../kubernetes-app.ts';
import { fillValues, loadManifests } from '../manifests.ts';
import { applyAll, inCell, waitRolledOut } from '../workload.ts';
import { applyClusterObject } from './cluster-objects.ts';
import { operatorPlaceholders } from './operator-placeholders.ts';
import { startOperatorProcess, type OperatorProcess } from './operator-process.ts';

const CRD_ESTABLISHED_TIMEOUT_MS = 30_000;

export interface RunningOperator {
  readonly install: OperatorInstall;
  /** Set when the operator runs as a process: it must not exit while the cell runs. */
  readonly process?: OperatorProcess;
}

/** Installs the operator as `install` says (in the cluster or as a process, as the matrix's operatorRunsAs picks), replacing `previous` (an operator upgrade) when given. */
export async function installOperator(app: KubernetesApp, install: OperatorInstall, context: MethodContext, previous?: RunningOperator): Promise<RunningOperator> {
  if (install.crds) await applyCrds(app, install.crds, context);
  const inCluster = app.cell.kubernetes!.operatorRunsAs === 'cluster';
  if (inCluster && install.manifests) {
    await previous?.process?.stop();
    const objects = (await loadManifests(install.manifests, operatorPlaceholders(app))).map((object) => inCell(app, object));
    const isDeployment = (object: k8s.KubernetesObject) => object.kind === 'Deployment';
    await applyAll(app, objects.filter((object) => !isDeployment(object)));
    // Its RBAC and the rest first, then each Deployment, followed until it rolls out.
    for (const deployment of objects.filter(isDeployment)) {
      await waitRolledOut(app, await app.api.apply(deployment as k8s.V1Deployment), `the operator's ${describeObject(deployment)} to roll out`);
    }
    context.event(`operator: ${objects.length} objects of ${install.manifests} applied, its Deployments rolled out`);
    return { install };
  }
  if (inCluster && install.chart) {
    await previous?.process?.stop();
    await helmInstall(app, install.chart, context);
    return { install };
  }
  await previous?.process?.stop();
  const process = await startOperatorProcess(app, install.process!, install.readyLine);
  context.event(`operator: process ${process.describe} started (pid ${process.pid}), log ${process.logFile}`);
  return { install, process };
}

/** Whether `next` is the operator already running (nothing to upgrade). */
export function sameOperator(running: RunningOperator, next: OperatorInstall): boolean {
  return JSON.stringify(running.install) === JSON.stringify(next);
}

async function applyCrds(app: KubernetesApp, file: string, context: MethodContext): Promise<void> {
  const crds = await loadManifests(file, operatorPlaceholders(app));
  const extensions = app.api.config.makeApiClient(k8s.ApiextensionsV1Api);
  for (const crd of crds) {
    // Applied every time: an operator upgrade may bring a newer schema.
    await applyClusterObject(app, crd);
    if (crd.kind !== 'CustomResourceDefinition') continue;
    const name = crd.metadata!.name!;
    await waitFor(
      async () => {
        const current = await call(`read ${describeObject(crd)}`, () => extensions.readCustomResourceDefinition({ name }));
        return current.status?.conditions?.some((condition) => condition.type === 'Established' && condition.status === 'True') ?? false;
      },
      { what: `CustomResourceDefinition ${name} to be established`, timeoutMs: CRD_ESTABLISHED_TIMEOUT_MS, intervalMs: 100, signal: app.signal },
    );
  }
  context.event(`operator: ${crds.length} CRD(s) of ${file} applied and established`);
}

async function helmInstall(app: KubernetesApp, chart: NonNullable<OperatorInstall['chart']>, context: MethodContext): Promise<void> {
  const values = join(app.logDir, `operator-values-${Date.now()}.json`);
  await writeFile(values, JSON.stringify(fillValues(chart.values, operatorPlaceholders(app)), null, 2));
  const timeout = `${Math.ceil(app.cell.kubernetes!.rolloutTimeoutMs / 1000)}s`;
  const started = performance.now();
  try {
    await helm(
      ['upgrade', '--install', chart.release, chart.path, '--values', values, '--wait', '--timeout', timeout, '--namespace', app.namespace, '--kubeconfig', app.kubeconfig, ...(app.context ? ['--kube-context', app.context] : [])],
      { timeoutMs: app.cell.kubernetes!.rolloutTimeoutMs + 30_000, signal: app.signal },
    );
  } catch (error) {
    if (error instanceof ToolFailedError) throw new UpgradeFailedError(`the operator's chart would not install: ${error.message}`, { code: 'OPERATOR_INSTALL_FAILED', cause: error });
    throw error;
  }
  context.event(`operator: helm upgrade --install ${chart.release} in ${Math.round(performance.now() - started)} ms`);
}
