// Method helm: the chart installed and upgraded by Helm with its own strategy, as users run it.
// The chart carries its migrations as hooks: the pre-deployment one runs in `helm upgrade` (a
// pre-upgrade Job hook); the post-deployment one in a second `helm upgrade` with the scenario's
// postMigrateValues once every pod runs the new version (GitLab's documented zero-downtime
// procedure for its chart). A rollback is `helm rollback` to the revision that installed the
// version; Helm waits (--wait) for the workload, and for hook Jobs, in every operation.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UpgradeFailedError } from '../../../errors.ts';
import { helm } from '../../../tools/helm-cli.ts';
import { ToolFailedError } from '../../../tools/run-tool.ts';
import type { KubernetesApp } from '../kubernetes-app.ts';
import { fillValues } from '../manifests.ts';
import { placeholderValues, servingProblems, workloadSelector } from '../workload.ts';
import { waitServing } from './install-objects.ts';
import type { KubernetesMethod } from './kubernetes-method.ts';

export const helmMethod: KubernetesMethod = {
  name: 'helm',
  async install(app, version, context) {
    const chart = app.packaging.chart!;
    const revisions = new Map<string, number>();
    let operations = 0;
    // Called off (an automatic rollback), helm gets SIGTERM: since Helm 3.7 it marks the release failed, so `helm rollback` can follow.
    const run = async (verb: string, args: string[], version: string, signal: AbortSignal) => {
      const started = performance.now();
      try {
        await helm([...args, '--namespace', app.namespace, '--kubeconfig', app.kubeconfig, ...(app.context ? ['--kube-context', app.context] : [])], {
          timeoutMs: app.cell.kubernetes!.rolloutTimeoutMs + 30_000,
          signal,
        });
      } catch (error) {
        if (signal.aborted && signal !== app.signal) {
          // Called off by an automatic rollback: say what Helm left, which the rollback starts from.
          const left = await releaseState(app).catch(() => null);
          context.event(`helm ${verb} of ${version} called off${left ? `: release ${chart.release} revision ${left.revision} is ${left.status}` : ''}`);
        }
        // Helm said no: the chart would not install, a hook failed, the rollout did not finish in time.
        if (error instanceof ToolFailedError) throw new UpgradeFailedError(`helm ${verb} of ${version} failed: ${error.message}`, { code: 'HELM_FAILED', cause: error });
        throw error;
      }
      revisions.set(version, (await releaseState(app)).revision);
      context.event(`helm ${verb} ${chart.release} ${version}: revision ${revisions.get(version)} in ${Math.round(performance.now() - started)} ms`);
    };
    const upgrade = async (verb: string, to: string, extra: Record<string, unknown>, signal: AbortSignal) => {
      const values = await writeValues(app, to, extra, ++operations);
      await run(verb, ['upgrade', '--install', chart.release, chart.path, '--values', values, '--wait', '--wait-for-jobs', '--timeout', `${Math.ceil(app.cell.kubernetes!.rolloutTimeoutMs / 1000)}s`], to, signal);
    };
    // A fresh install runs every migration: the post-deployment one too.
    await upgrade('install', version, chart.postMigrateValues ?? {}, context.signal);
    await waitServing(app, version);
    const selector = workloadSelector(app, 'the chart');
    return {
      async migrate(to, kind) {
        if (kind === 'pre') return `pre-deployment migration of ${to}: the chart's pre-upgrade hook, run by helm upgrade`;
        if (!chart.postMigrateValues) return `no post-deployment migration: the scenario gives no chart.postMigrateValues`;
        await upgrade('upgrade (post-deployment migration)', to, chart.postMigrateValues, app.signal);
        return `post-deployment migration of ${to}: the chart's hook, run by a second helm upgrade with postMigrateValues`;
      },
      async upgrade(to, upgradeContext) {
        const revision = revisions.get(to);
        if (revision === undefined) return upgrade('upgrade', to, {}, upgradeContext.signal);
        await run('rollback', ['rollback', chart.release, String(revision), '--wait', '--timeout', `${Math.ceil(app.cell.kubernetes!.rolloutTimeoutMs / 1000)}s`], to, upgradeContext.signal);
      },
      problems: async (expected) => servingProblems(app, selector, expected),
    };
  },
};

/** Values for one operation: the chart's, the version's, the method's, then this operation's; placeholders filled. */
async function writeValues(app: KubernetesApp, version: string, extra: Record<string, unknown>, operation: number): Promise<string> {
  const chart = app.packaging.chart!;
  const own = app.cell.scenario.versions.find((entry) => entry.version === version)?.kubernetes?.values ?? {};
  const merged = [chart.values, own, chart.methodValues.helm ?? {}, extra].reduce((into, values) => deepMerge(into, values), {} as Record<string, unknown>);
  const file = join(app.logDir, `helm-values-${operation}.json`);
  // JSON is YAML: helm reads it as a values file.
  await writeFile(file, JSON.stringify(fillValues(merged, placeholderValues(app, version)), null, 2));
  return file;
}

function deepMerge(into: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...into };
  for (const [key, value] of Object.entries(from)) {
    const current = merged[key];
    merged[key] = isMap(current) && isMap(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The release's latest revision and its status (deployed, failed, pending-upgrade...), as `helm status` reports them. */
async function releaseState(app: KubernetesApp): Promise<{ revision: number; status: string }> {
  const { stdout } = await helm(['status', app.packaging.chart!.release, '--namespace', app.namespace, '--kubeconfig', app.kubeconfig, '--output', 'json', ...(app.context ? ['--kube-context', app.context] : [])], { timeoutMs: 30_000 });
  const release = JSON.parse(stdout) as { version: number; info?: { status?: string } };
  return { revision: release.version, status: release.info?.status ?? 'unknown' };
}
