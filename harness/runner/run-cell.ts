import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { AbortedError, HarnessError, InfrastructureError, UpgradeFailedError } from '../errors.ts';
import { evaluateGates } from '../gates/evaluate-gates.ts';
import type { Cell } from '../matrix/cell.ts';
import { errorBudget } from '../measure/error-budget.ts';
import { summarizeTraffic } from '../measure/summarize-traffic.ts';
import { upgradeMethod } from '../methods/index.ts';
import { startReplicas } from '../methods/pool-operations.ts';
import type { Deployment, MethodContext } from '../methods/upgrade-method.ts';
import { platformFor } from '../platforms/index.ts';
import type { ComponentIdentity, Environment } from '../platforms/platform.ts';
import type { Reporter } from '../report/reporter.ts';
import type { CellError, CellResult, GateResult, RollbackResult, TrafficSummary } from '../results.ts';
import type { RecordStore } from '../traffic/record-store.ts';
import { startTraffic, type RunningTraffic } from '../traffic/start-traffic.ts';
import { hold, runSteps, type Step } from './steps.ts';
import { isoAt, now, Timeline } from './timeline.ts';
import { verifyVersion } from './verify.ts';

export interface CellRunContext {
  runId: string;
  outDir: string;
  signal: AbortSignal;
  reporter: Required<Omit<Reporter, 'name'>>;
  /** The command line that reruns just this cell, without `--only`. */
  reproduceBase: string;
}

const TRAFFIC_TICK_MS = 1000;

/**
 * One cell, as a list of steps whose teardowns run in reverse whatever happens:
 * provision -> install(from) -> warm-up traffic -> migrate-pre -> upgrade -> settle -> verify
 * -> [rollback -> settle -> verify] | [finalize -> migrate-post -> settle] -> stop traffic -> teardown.
 * Rolling back happens before the post-deployment migration: that migration is the point of no return.
 */
export async function runCell(cell: Cell, context: CellRunContext): Promise<CellResult> {
  const startedAt = now();
  const timeline = new Timeline((phase) => void context.reporter.onPhase(cell, phase), startedAt);
  const signal = AbortSignal.any([context.signal, AbortSignal.timeout(cell.deadlineMs)]);
  const logDir = join(context.outDir, 'cells', cell.id.replaceAll('/', '_'));
  await mkdir(logDir, { recursive: true });
  const method = upgradeMethod(cell.method);
  let env: Environment | undefined;
  let deployment: Deployment | undefined;
  let traffic: RunningTraffic | undefined;
  let records: RecordStore | undefined;
  let trafficStoppedAt: number | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let componentsAtInstall: ComponentIdentity[] = [];
  let unintendedRestarts: number | null = null;

  const windowFrom = () => timeline.startOf('warm-up') ?? startedAt;
  const methodContext: MethodContext = {
    cell,
    signal,
    event: (message) => timeline.event(message),
    hold: (ms) => hold(ms, signal),
    checkGates: () =>
      traffic
        ? evaluateGates(cell.gates, { traffic: summarize(traffic.records, windowFrom(), now()), integrity: null }, 'upgrade')
        : [],
  };
  const summarize = (store: RecordStore, fromMs: number, toMs: number): TrafficSummary =>
    summarizeTraffic(store, { fromMs, toMs, originMs: startedAt, phases: timeline.spansMs() });
  const settleAndVerify = async (settle: string, verify: string, version: string) => {
    timeline.phase(settle);
    await hold(cell.traffic.settleMs, signal);
    timeline.phase(verify);
    await verifyVersion(deployment!, cell.scenario, version);
    timeline.event(`every replica and every sampled request reports ${version}`);
  };

  const steps: Step[] = [
    {
      title: 'provision',
      setup: async () => {
        timeline.phase('provision');
        env = await platformFor(cell.platform).provision(cell, {
          runId: context.runId,
          logDir,
          signal,
          event: (message) => timeline.event(message),
        });
      },
      teardown: async () => {
        timeline.phase('teardown');
        await env?.[Symbol.asyncDispose]();
        timeline.close();
      },
    },
    {
      title: 'install',
      setup: async () => {
        timeline.phase('install');
        await env!.migrate(cell.from, 'pre');
        await env!.migrate(cell.from, 'post');
        const live = await startReplicas(env!, cell.from, cell.replicas, methodContext);
        await env!.frontDoor.setPool(live.map((replica) => ({ replica, weight: 1 })));
        deployment = { env: env!, live, standby: [] };
        timeline.event(`${cell.replicas} replicas of ${cell.from} in service`);
        componentsAtInstall = await env!.components();
      },
      teardown: async () => {
        if (componentsAtInstall.length === 0 || !env) return;
        const restarted = changedComponents(componentsAtInstall, await env.components());
        for (const change of restarted) timeline.event(`unintended restart: ${change}`);
        unintendedRestarts = restarted.length;
      },
    },
    {
      title: 'traffic',
      setup: async () => {
        timeline.phase('warm-up');
        traffic = startTraffic({ baseUrl: env!.trafficUrl, endpoint: cell.scenario.probes.read, rate: cell.traffic.rate, timeoutMs: cell.traffic.timeoutMs });
        ticker = setInterval(() => void tick(), TRAFFIC_TICK_MS);
        await hold(cell.traffic.warmUpMs, signal);
      },
      teardown: async () => {
        clearInterval(ticker);
        if (traffic && !records) {
          trafficStoppedAt = now();
          records = await traffic.stop();
        }
      },
    },
    {
      title: 'upgrade',
      setup: async () => {
        timeline.phase('migrate-pre');
        await env!.migrate(cell.to, 'pre');
        timeline.phase('upgrade');
        await method.upgrade(deployment!, cell.to, methodContext);
        await settleAndVerify('settle', 'verify', cell.to);
      },
    },
    cell.rollback
      ? {
          title: 'rollback',
          setup: async () => {
            timeline.phase('rollback');
            await method.upgrade(deployment!, cell.from, methodContext);
            await settleAndVerify('rollback-settle', 'rollback-verify', cell.from);
            await method.finalize?.(deployment!, methodContext);
          },
        }
      : {
          title: 'complete',
          setup: async () => {
            timeline.phase('finalize');
            await method.finalize?.(deployment!, methodContext);
            timeline.phase('migrate-post');
            await env!.migrate(cell.to, 'post');
            timeline.phase('post-settle');
            await hold(cell.traffic.settleMs, signal);
          },
        },
    {
      title: 'stop traffic',
      setup: async () => {
        clearInterval(ticker);
        trafficStoppedAt = now();
        records = await traffic!.stop();
      },
    },
  ];

  let lastTick = { at: now(), requests: 0 };
  async function tick() {
    if (!traffic) return;
    const stats = traffic.stats();
    const at = now();
    const requestsPerSecond = ((stats.requests - lastTick.requests) * 1000) / Math.max(1, at - lastTick.at);
    lastTick = { at, requests: stats.requests };
    await context.reporter.onTraffic(cell, { ...stats, requestsPerSecond });
  }

  const outcome = await runSteps(steps, signal);

  // Measure what traffic there was, whatever happened: a failed upgrade's outage is the finding.
  const rollbackStart = timeline.startOf('rollback');
  const trafficEnd = trafficStoppedAt ?? now();
  const upgradeTraffic = records ? summarize(records, windowFrom(), rollbackStart ?? trafficEnd) : null;
  const rollbackTraffic = records && rollbackStart !== undefined ? summarize(records, rollbackStart, trafficEnd) : null;
  const { unintendedRestarts: restartLimit, ...trafficGates } = cell.gates;
  const gates: GateResult[] = [
    ...(upgradeTraffic ? evaluateGates(trafficGates, { traffic: upgradeTraffic, integrity: null }, 'upgrade') : []),
    ...(rollbackTraffic ? evaluateGates(trafficGates, { traffic: rollbackTraffic, integrity: null }, 'rollback') : []),
    ...(upgradeTraffic ? evaluateGates({ unintendedRestarts: restartLimit }, { traffic: upgradeTraffic, integrity: null, unintendedRestarts }, 'cell') : []),
  ];
  const rollback: RollbackResult | null = rollbackTraffic
    ? { traffic: rollbackTraffic, errorBudget: errorBudget(rollbackTraffic.requests, rollbackTraffic.failures, cell.slo), integrity: null }
    : null;
  const error = describeError(outcome.error, outcome.failedStep) ?? teardownError(outcome.teardownErrors);
  const finishedAt = now();
  return {
    id: cell.id,
    platform: cell.platform,
    method: cell.method,
    from: cell.from,
    to: cell.to,
    scenario: cell.scenario.name,
    status: error ? (error.kind === 'product' ? 'failed' : 'error') : gates.every((gate) => gate.passed) ? 'passed' : 'failed',
    reproduce: `${context.reproduceBase} --only '${cell.id}'`,
    startedAt: isoAt(startedAt),
    finishedAt: isoAt(finishedAt),
    durationMs: Math.round(finishedAt - startedAt),
    phases: timeline.phases(),
    events: timeline.events(),
    traffic: upgradeTraffic,
    errorBudget: upgradeTraffic ? errorBudget(upgradeTraffic.requests, upgradeTraffic.failures, cell.slo) : null,
    integrity: null,
    rollback,
    gates,
    error,
    logs: relative(context.outDir, logDir),
  };
}

function describeError(error: unknown, step: string | null): CellError | null {
  if (error === null || error === undefined) return null;
  const where = step ? ` (during ${step})` : '';
  if (error instanceof UpgradeFailedError) return { code: error.code, message: error.message, hint: error.hint ?? null, kind: 'product' };
  if (error instanceof AbortedError) return { code: error.code, message: error.message + where, hint: null, kind: 'aborted' };
  if (error instanceof HarnessError) return { code: error.code, message: error.message + where, hint: error.hint ?? null, kind: 'infrastructure' };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: message + where, hint: 'this looks like a bug in upgrade-harness; please report it with the cell logs', kind: 'infrastructure' };
}

/** A teardown that failed leaves something behind: an infrastructure error even when the cell passed. */
function teardownError(errors: { step: string; error: unknown }[]): CellError | null {
  const first = errors[0];
  if (!first) return null;
  const wrapped = new InfrastructureError(`teardown of ${first.step} failed: ${String(first.error)}`, { code: 'TEARDOWN' });
  return { code: wrapped.code, message: wrapped.message, hint: 'check for processes or folders left behind (upgrade-harness gc)', kind: 'infrastructure' };
}

/** Components whose identity changed between two snapshots, described for the timeline. */
function changedComponents(before: ComponentIdentity[], after: ComponentIdentity[]): string[] {
  return before.flatMap((was) => {
    const now = after.find((component) => component.name === was.name);
    return now && now.identity === was.identity ? [] : [`${was.name} ${was.identity} -> ${now?.identity ?? 'gone'}`];
  });
}
