import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { AutoRollbackSettings, Cell } from '../matrix/cell.ts';
import type { MethodContext } from '../methods/upgrade-method.ts';
import { platformFor } from '../platforms/index.ts';
import type { ComponentIdentity, Environment, Installation, ProvisionContext } from '../platforms/platform.ts';
import type { Reporter } from '../report/reporter.ts';
import type { AutomaticRollback, CellResult, EnvironmentFacts, Integrity } from '../results.ts';
import type { RunningProbe } from '../traffic/probe.ts';
import { startProbes } from '../traffic/start-probes.ts';
import { pathInside } from '../util/path-inside.ts';
import { AbortedError, UpgradeFailedError, UpgradeRefusedError } from '../errors.ts';
import { watchForRollback } from './rollback-watch.ts';
import type { SetupValues } from '../traffic/fill-probes.ts';
import { cellCause } from '../report/cell-cause.ts';
import { lostWritesText } from '../report/lost-writes-text.ts';
import { SecretMask } from './secret-mask.ts';
import { maskResult, runSetupStep } from './setup-step.ts';
import { skippedStops } from '../matrix/skipped-stops.ts';
import { describeError, teardownError } from './cell-error.ts';
import type { HealthMonitor } from '../health/health-monitor.ts';
import { judgeCell } from './judge-cell.ts';
import { reproduceCell } from './reproduce-command.ts';
import { gatesSoFar } from './measure-cell.ts';
import { hold, runSteps, type Step } from './steps.ts';
import { isoAt, now, Timeline } from './timeline.ts';
import { verifyVersion } from './verify.ts';

export interface CellRunContext {
  runId: string;
  outDir: string;
  signal: AbortSignal;
  reporter: Required<Omit<Reporter, 'name'>>;
  /** The command line that reruns the matrix; `--only <id>` is appended. */
  reproduceBase: string;
  /** Keep each environment after its cell until the run is interrupted (Ctrl-C), for inspection. */
  keep?: (cell: Cell, lines: string[]) => Promise<void>;
  /** Cells of the run that may run at once, and the resources they share (see ProvisionContext). */
  concurrency: number;
  shared: ProvisionContext['shared'];
  /** The run's own health (sentinel, event loop, CPU quota), against which a failure's blame is checked. */
  health: HealthMonitor;
}

const TRAFFIC_TICK_MS = 1000;
/** Every request is also appended to the cell's requests.csv this often, so a long cell is on disk as it runs. */
const FLUSH_EVERY_TICKS = 10;

/**
 * One cell, as a list of steps whose teardowns run in reverse whatever happens:
 * provision -> install(from) [and the scenario's setup step] -> warm-up traffic -> migrate-pre -> upgrade -> settle -> verify
 * -> [rollback -> settle -> verify] | [finalize -> migrate-post -> settle] -> stop traffic -> teardown.
 * Rolling back happens before the post-deployment migration: that migration is the point of no return.
 * A chained path repeats migrate-pre .. post-settle for each required stop before its last hop.
 */
export async function runCell(cell: Cell, context: CellRunContext): Promise<CellResult> {
  const startedAt = now();
  const timeline = new Timeline((phase) => void context.reporter.onPhase(cell, phase), startedAt);
  const signal = AbortSignal.any([context.signal, AbortSignal.timeout(cell.deadlineMs)]);
  const logDir = pathInside(context.outDir, 'cells', cell.id.replaceAll('/', '_'));
  await mkdir(logDir, { recursive: true });
  let env: Environment | undefined;
  let installation: Installation | undefined;
  let probes: RunningProbe[] = [];
  let trafficStoppedAt: number | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let componentsAtInstall: ComponentIdentity[] = [];
  let unintendedRestarts: number | null = null;
  let integrity: Integrity | null = null;
  let rollbackIntegrity: Integrity | null = null;
  let environment: EnvironmentFacts | undefined;
  let setupValues: SetupValues = {};
  let automatic: AutomaticRollback | undefined;
  const secrets = new SecretMask();

  const trafficFrom = () => timeline.startOf('warm-up') ?? startedAt;
  const ledger = () => probes.find((probe) => probe.checkIntegrity);
  const methodContext: MethodContext = {
    cell,
    signal,
    event: (message) => timeline.event(message),
    hold: (ms) => hold(ms, signal),
    checkGates: (sinceMs) => gatesSoFar(cell, timeline, probes, sinceMs, now()),
  };
  const checkLedger = async (): Promise<Integrity | null> => {
    const checked = (await ledger()?.checkIntegrity!()) ?? null;
    if (checked) {
      const why = lostWritesText(checked);
      timeline.event(`write ledger: ${checked.writesAcknowledged} acknowledged writes read back, ${checked.writesLost} lost${why ? ` (${why})` : ''}`);
    }
    return checked;
  };
  const settleAndVerify = async (settle: string, verify: string, version: string, holdSignal = signal): Promise<Integrity | null> => {
    timeline.phase(settle);
    await hold(cell.traffic.settleMs, holdSignal);
    timeline.phase(verify);
    await verifyVersion(installation!, env!.trafficUrl, cell.scenario, version);
    timeline.event(`every replica and every sampled request reports ${version}`);
    return checkLedger();
  };
  // A chained path names each hop's phases after its version ("upgrade 1.1.0"); a single hop keeps plain names.
  const phaseOf = (name: string, version: string) => (cell.via.length > 0 ? `${name} ${version}` : name);
  /** A migration the method carries out itself (a Helm hook) still has its phase, with a line saying who ran it. */
  const migrate = async (version: string, kind: 'pre' | 'post') => {
    const carriedOutBy = await installation!.migrate(version, kind);
    if (carriedOutBy) timeline.event(carriedOutBy);
  };
  const upgradeTo = async (version: string, previous: string) => {
    if (cell.autoRollback) return upgradeWatched(version, previous, cell.autoRollback);
    timeline.phase(phaseOf('migrate-pre', version));
    await migrate(version, 'pre');
    timeline.phase(phaseOf('upgrade', version));
    await installation!.upgrade(version, methodContext);
    integrity = await settleAndVerify(phaseOf('settle', version), phaseOf('verify', version), version);
  };
  /**
   * The same hop under automatic rollback: from migrate-pre to verify the rollback watch measures
   * the traffic; when it triggers, the upgrade is called off where it is, the cell returns to
   * `previous` by its method (measured as the rollback), and it fails with the trigger.
   */
  const upgradeWatched = async (version: string, previous: string, settings: AutoRollbackSettings) => {
    const calledOff = new AbortController();
    const hopSignal = AbortSignal.any([signal, calledOff.signal]);
    const startedAt = now();
    const watch = watchForRollback(settings, () => probes.map((probe) => probe.records), startedAt, now);
    const hop = (async () => {
      timeline.phase(phaseOf('migrate-pre', version));
      await migrate(version, 'pre');
      timeline.phase(phaseOf('upgrade', version));
      await installation!.upgrade(version, { ...methodContext, signal: hopSignal, hold: (ms) => hold(ms, hopSignal) });
      watch.ready();
      integrity = await settleAndVerify(phaseOf('settle', version), phaseOf('verify', version), version, hopSignal);
    })();
    const tripped = await Promise.race([hop.then(() => null), watch.triggered]).finally(() => watch.stop());
    if (tripped === null) return;
    calledOff.abort(new AbortedError(`automatic rollback: ${tripped.trigger}`));
    // The called-off upgrade winds down first (a replica it was starting is stopped).
    await hop.catch(() => undefined);
    timeline.event(`automatic rollback to ${previous}: ${tripped.trigger}`);
    timeline.phase('rollback');
    await installation!.upgrade(previous, methodContext);
    const recoveredAt = now();
    timeline.event(`${previous} serves again, ${Math.round(recoveredAt - tripped.atMs)} ms after the trigger`);
    automatic = { trigger: tripped.trigger, detectedAfterMs: Math.max(0, Math.round(tripped.atMs - tripped.sinceMs)), recoveredAfterMs: Math.round(recoveredAt - tripped.atMs) };
    rollbackIntegrity = await settleAndVerify('rollback-settle', 'rollback-verify', previous);
    throw new UpgradeFailedError(`rolled back automatically from ${version} to ${previous}: ${tripped.trigger}`, { code: 'AUTO_ROLLBACK', timingDependent: true });
  };
  /** Retires what the method kept for a return, then the contract migration: no way back after it. */
  const complete = async (version: string) => {
    timeline.phase(phaseOf('finalize', version));
    await installation!.finalize?.(methodContext);
    timeline.phase(phaseOf('migrate-post', version));
    await migrate(version, 'post');
    timeline.phase(phaseOf('post-settle', version));
    await hold(cell.traffic.settleMs, signal);
    // Once more, now that the contract migration ran: writes taken since verify count too.
    integrity = (await checkLedger()) ?? integrity;
  };
  /** A negative cell: the upgrade must be refused, and the old version keep serving. */
  const attemptRefusedUpgrade = async () => {
    timeline.phase('upgrade');
    try {
      await installation!.upgrade(cell.to, methodContext);
    } catch (error) {
      if (!(error instanceof UpgradeRefusedError)) throw error;
      timeline.event(`refused, as expected: ${error.message}`);
      integrity = await settleAndVerify('settle', 'verify', cell.from);
      return;
    }
    const stops = skippedStops(cell.scenario, cell.from, cell.to).join(', ');
    throw new UpgradeFailedError(`${cell.from} -> ${cell.to} skips the required upgrade stop ${stops} and should have been refused, but the upgrade went through`);
  };
  /** A rollback returns to the last version the path completed: the last required stop, or `from`. */
  const rollbackTo = cell.via.at(-1) ?? cell.from;

  let flushing: Promise<void> = Promise.resolve();
  const flushRecords = (): Promise<void> => {
    // One probe after another, never two flushes at once: each appends only rows not yet written.
    flushing = flushing.then(async () => {
      for (const probe of probes) await probe.records.appendCsv(join(logDir, 'requests.csv'), probe.name);
    });
    return flushing;
  };
  const stopTraffic = async () => {
    clearInterval(ticker);
    if (trafficStoppedAt !== undefined) return;
    trafficStoppedAt = now();
    await Promise.all(probes.map((probe) => probe.stop()));
    await flushRecords();
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
          concurrency: context.concurrency,
          shared: context.shared,
          runSignal: context.signal,
        });
        environment = await env.facts?.();
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
        installation = await env!.install(cell.from, methodContext);
        componentsAtInstall = await env!.components();
        setupValues = await runSetupStep(cell, env!, logDir, secrets, (message) => timeline.event(message));
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
        const started = await startProbes(cell, env!.trafficUrl, setupValues);
        probes = [...started.probes, ...((await env!.startNativeProbes?.(cell)) ?? [])];
        for (const { name, reason } of started.unavailable) timeline.event(`probe ${name} skipped: ${reason}`);
        timeline.event(`probes: ${probes.map((probe) => probe.name).join(', ')}`);
        ticker = setInterval(() => void tick(), TRAFFIC_TICK_MS);
        await hold(cell.traffic.warmUpMs, signal);
      },
      teardown: stopTraffic,
    },
    {
      title: 'upgrade',
      setup: async () => {
        if (cell.expect === 'refused') return attemptRefusedUpgrade();
        // Every required stop of a chained path is reached and completed before the next hop.
        let previous = cell.from;
        for (const stop of cell.via) {
          await upgradeTo(stop, previous);
          await complete(stop);
          previous = stop;
        }
        await upgradeTo(cell.to, previous);
      },
    },
    cell.expect === 'refused'
      ? { title: 'complete', setup: async () => undefined }
      : cell.rollback
      ? {
          title: 'rollback',
          setup: async () => {
            timeline.phase('rollback');
            await installation!.upgrade(rollbackTo, methodContext);
            rollbackIntegrity = await settleAndVerify('rollback-settle', 'rollback-verify', rollbackTo);
            await installation!.finalize?.(methodContext);
          },
        }
      : { title: 'complete', setup: () => complete(cell.to) },
    { title: 'stop traffic', setup: stopTraffic },
  ];

  let lastTick = { at: now(), requests: 0 };
  let ticks = 0;
  async function tick() {
    if (++ticks % FLUSH_EVERY_TICKS === 0) void flushRecords().catch(() => undefined);
    const stats = probes.map((probe) => probe.stats());
    const requests = stats.reduce((sum, s) => sum + s.requests, 0);
    const failures = stats.reduce((sum, s) => sum + s.failures, 0);
    const at = now();
    const requestsPerSecond = ((requests - lastTick.requests) * 1000) / Math.max(1, at - lastTick.at);
    lastTick = { at, requests };
    await context.reporter.onTraffic(cell, { requests, failures, requestsPerSecond });
  }

  const keepForInspection = async () => {
    if (!context.keep || !env) return;
    await stopTraffic();
    await context.keep(cell, [...(env.describe?.() ?? [`front door  ${env.trafficUrl}`]), `logs        ${logDir}`]);
  };
  const outcome = await runSteps(steps, signal, keepForInspection);
  await secrets.maskFolder(logDir);

  // Measure what traffic there was, whatever happened: a failed upgrade's outage is the finding.
  const rollbackStart = timeline.startOf('rollback');
  const trafficEnd = trafficStoppedAt ?? now();
  const error = describeError(outcome.error, outcome.failedStep) ?? teardownError(outcome.teardownErrors);
  const finishedAt = now();
  const judged = judgeCell(
    cell,
    timeline,
    {
      probes,
      upgradeWindow: { fromMs: trafficFrom(), toMs: rollbackStart ?? trafficEnd },
      rollbackWindow: rollbackStart === undefined ? null : { fromMs: rollbackStart, toMs: trafficEnd },
      integrity,
      rollbackIntegrity,
      unintendedRestarts,
    },
    { thrown: outcome.error, error },
    context.health,
    finishedAt,
  );
  const result: CellResult = {
    id: cell.id,
    platform: cell.platform,
    method: cell.method,
    from: cell.from,
    to: cell.to,
    via: cell.via,
    scenario: cell.scenario.name,
    reproduce: reproduceCell(context.reproduceBase, cell.id),
    startedAt: isoAt(startedAt),
    finishedAt: isoAt(finishedAt),
    durationMs: Math.round(finishedAt - startedAt),
    phases: timeline.phases(),
    events: timeline.events(),
    ...judged,
    logs: relative(context.outDir, logDir),
    ...(environment ? { environment } : {}),
  };
  if (automatic && result.rollback) result.rollback = { ...result.rollback, automatic };
  const cause = cellCause(result);
  return maskResult(cause ? { ...result, cause } : result, secrets);
}

/** Components whose identity changed between two snapshots, described for the timeline. */
function changedComponents(before: ComponentIdentity[], after: ComponentIdentity[]): string[] {
  return before.flatMap((was) => {
    const current = after.find((component) => component.name === was.name);
    return current && current.identity === was.identity ? [] : [`${was.name} ${was.identity} -> ${current?.identity ?? 'gone'}`];
  });
}
