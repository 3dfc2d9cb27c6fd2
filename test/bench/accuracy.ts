// Accuracy benchmark (npm run bench:accuracy): how close do measured outages come to the truth?
// A fault target in its own process fails on a known schedule, in each way an app fails; the
// harness's http probe measures it at 500 requests/s exactly as in a cell, summarizeTraffic finds
// the outages, and each measured bound is compared with the true switch time the target
// recorded on the shared clock. Then 60 s of healthy traffic must show no outage at all.
// Goal: every boundary within 5 ms; zero phantom outages. Exit code 1 when the goal is missed.
//
// Machine-wide pauses: on a shared virtual machine every process sometimes stops for 10-50 ms
// at once (seen by two idle processes at the same instants); no sampler sends while it is not
// running. An idle sentinel process records such pauses; a case whose boundary missed the goal
// while the sentinel was paused too is run again (at most twice), and the benchmark says so.
import { execa } from 'execa';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { summarizeTraffic } from '../../harness/measure/summarize-traffic.ts';
import type { Outage } from '../../harness/results.ts';
import { startHttpProbe } from '../../harness/traffic/http-probe.ts';
import type { RecordStore } from '../../harness/traffic/record-store.ts';
import type { TargetFault } from '../fixtures/fault-target.ts';
import { startFaultTarget, startStallSentinel, type FaultTargetProcess, type StallSentinel } from './fault-target-process.ts';
import { sharedNow } from './fixture-process.ts';

const RATE = 500;
const TIMEOUT_MS = 250;
const WARM_UP_MS = 300;
const HEALTHY_MS = Number(process.env.HEALTHY_MS ?? 60_000);
const GOAL_MS = 5;
/** A measured outage belongs to a true window it overlaps, give or take this much. */
const MATCH_SLACK_MS = 10;
const ATTEMPTS = 3;

const MODES: TargetFault[] = ['refuse', '503', 'hang', 'reset'];
interface Shape {
  label: string;
  windows: [on: number, off: number][];
}
const SHAPES: Shape[] = [
  { label: '20 ms', windows: [[0, 20]] },
  { label: '137 ms', windows: [[0, 137]] },
  { label: '1 s', windows: [[0, 1000]] },
  { label: '5 s', windows: [[0, 5000]] },
  { label: 'flap 30/30', windows: Array.from({ length: 6 }, (_, k): [number, number] => [k * 60, k * 60 + 30]) },
];

interface CaseResult {
  lines: string[];
  errors: number[];
  missed: number;
  phantoms: number;
  /** A boundary missed the goal while the machine was paused. */
  disturbed: string | null;
}

const fmt = (ms: number): string => ms.toFixed(2).padStart(8);
const signed = (ms: number): string => `${ms >= 0 ? '+' : ''}${ms.toFixed(2)}`;
const toLocal = (shared: number): number => shared - performance.timeOrigin;

async function runCase(target: FaultTargetProcess, sentinel: StallSentinel, mode: TargetFault, shape: Shape): Promise<CaseResult> {
  const caseStart = sharedNow();
  const probe = startHttpProbe({ baseUrl: target.url, endpoint: { method: 'GET', path: '/' }, rate: RATE, timeoutMs: TIMEOUT_MS, name: 'accuracy' });
  const fromMs = performance.now();
  await sleep(WARM_UP_MS);
  const origin = sharedNow() + 20;
  const truth = await target.run(
    mode,
    shape.windows.map(([on, off]) => ({ startAt: origin + on, endAt: origin + off })),
  );
  await sleep(TIMEOUT_MS + 250);
  const records = await probe.stop();
  const summary = summarizeTraffic(records, { fromMs, toMs: performance.now(), originMs: 0, phases: [] });
  const pauses = (await sentinel.stalls(caseStart)).map(([from, to]) => [toLocal(from), toLocal(to)] as const);
  const pausedNear = (t: number): string | null => {
    const pause = pauses.find(([from, to]) => from - GOAL_MS <= t && to + GOAL_MS >= t);
    return pause ? `machine paused ${(pause[1] - pause[0]).toFixed(1)} ms` : null;
  };

  const result: CaseResult = { lines: [], errors: [], missed: 0, phantoms: 0, disturbed: null };
  const windows = truth.map((w) => ({ start: toLocal(w.start), end: toLocal(w.end) }));
  const claimed = new Set<Outage>();
  const t0 = windows[0]?.start ?? 0;
  windows.forEach((w, k) => {
    const label = windows.length > 1 ? `${shape.label} #${k + 1}` : shape.label;
    const mine = summary.outages.filter((o) => o.endMs >= w.start - MATCH_SLACK_MS && o.startMs <= w.end + MATCH_SLACK_MS);
    mine.forEach((o) => claimed.add(o));
    const head = `${mode.padEnd(7)}${label.padEnd(15)}true [${fmt(w.start - t0)} ..${fmt(w.end - t0)}]`;
    const first = mine[0];
    const last = mine[mine.length - 1];
    if (!first || !last) {
      result.missed++;
      result.disturbed ??= pausedNear(w.start) ?? pausedNear(w.end);
      result.lines.push(`${head}  measured: NO OUTAGE  <- missed`);
      return;
    }
    const startError = first.startMs - w.start;
    const endError = last.endMs - w.end;
    result.errors.push(Math.abs(startError), Math.abs(endError));
    if (Math.abs(startError) > GOAL_MS) result.disturbed ??= pausedNear(w.start);
    if (Math.abs(endError) > GOAL_MS) result.disturbed ??= pausedNear(w.end);
    const split = mine.length > 1 ? `  (split into ${mine.length} outages)` : '';
    const flag = Math.max(Math.abs(startError), Math.abs(endError)) > GOAL_MS ? '  <- over 5 ms' : '';
    result.lines.push(`${head}  measured [${fmt(first.startMs - t0)} ..${fmt(last.endMs - t0)}]  error ${signed(startError)} / ${signed(endError)} ms${split}${flag}`);
  });
  const stray = summary.outages.filter((o) => !claimed.has(o));
  result.phantoms = stray.length;
  const classes = Object.entries(summary.failuresByClass).map(([name, n]) => `${name} ${n}`);
  const strayText = stray.length ? `; ${stray.length} outage(s) outside the windows: ${stray.map((o) => `${fmt(o.startMs - t0)}..${fmt(o.endMs - t0)}`).join(' ')}` : '';
  result.lines.push(`${''.padEnd(22)}${summary.requests} requests; failures: ${classes.join(', ') || 'none'}${strayText}`);
  return result;
}

async function runHealthy(target: FaultTargetProcess, sentinel: StallSentinel): Promise<number> {
  const since = sharedNow();
  const probe = startHttpProbe({ baseUrl: target.url, endpoint: { method: 'GET', path: '/' }, rate: RATE, timeoutMs: TIMEOUT_MS, name: 'accuracy' });
  const fromMs = performance.now();
  await sleep(HEALTHY_MS);
  const records = await probe.stop();
  const summary = summarizeTraffic(records, { fromMs, toMs: performance.now(), originMs: 0, phases: [] });
  const lateness = scheduleLateness(records);
  const pauses = await sentinel.stalls(since);
  const longest = pauses.reduce((m, [from, to]) => Math.max(m, to - from), 0);
  console.log(
    `healthy ${(HEALTHY_MS / 1000).toFixed(0)} s: ${summary.requests} requests, ${summary.failures} failures, phantom outages: ${summary.outages.length}; ` +
      `send lateness p50 ${lateness.p50.toFixed(2)} / p99 ${lateness.p99.toFixed(2)} / max ${lateness.max.toFixed(2)} ms; ` +
      `machine pauses seen by the sentinel: ${pauses.length}, longest ${longest.toFixed(1)} ms`,
  );
  return summary.outages.length;
}

/** How late requests left against their schedule: the sampling error the driver adds. */
function scheduleLateness(records: RecordStore): { p50: number; p99: number; max: number } {
  const lags = new Float64Array(records.length);
  records.forEach((i) => (lags[i] = records.sentMs(i) - records.scheduledMs(i)));
  lags.sort();
  const at = (p: number) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: lags[lags.length - 1] ?? 0 };
}

/**
 * Other tenants of a shared machine (browsers, databases, test suites) can starve any of the
 * benchmark's processes for tens of milliseconds. Where allowed (root, chrt present), they run
 * under the real-time FIFO policy for the benchmark's few minutes, else at nice -10, so that
 * the figures describe the driver rather than the neighbours; the sentinel too, so that it only
 * sees pauses of the whole machine. All of them sleep almost all the time. Printed either way.
 */
async function raisePriority(pids: number[]): Promise<string> {
  try {
    for (const pid of pids) await execa('chrt', ['--all-tasks', '--fifo', '--pid', '10', String(pid)]);
    return 'real-time priority (chrt --fifo 10)';
  } catch {
    try {
      for (const pid of pids) os.setPriority(pid, -10);
      return 'nice -10';
    } catch {
      return 'default priority (not allowed to raise it)';
    }
  }
}

async function main(): Promise<void> {
  await using target = await startFaultTarget();
  await using sentinel = await startStallSentinel();
  const priority = process.env.BENCH_KEEP_PRIORITY ? 'default priority' : await raisePriority([process.pid, target.pid, sentinel.pid]);
  const clock = await target.clockOffset(50);
  console.log(`fault target at ${target.url}; probe ${RATE} requests/s, timeout ${TIMEOUT_MS} ms; ${priority}`);
  console.log(`shared clock: target minus bench ${signed(clock.offsetMs)} ms (round trip ${clock.roundTripMs.toFixed(3)} ms)`);
  console.log('mode   window         true bounds (ms)         measured bounds (ms)     boundary error start / end');
  const errors: number[] = [];
  let missed = 0;
  let phantoms = 0;
  let reruns = 0;
  for (const mode of MODES) {
    for (const shape of SHAPES) {
      let result = await runCase(target, sentinel, mode, shape);
      for (let attempt = 2; attempt <= ATTEMPTS && result.disturbed; attempt++) {
        console.log(`${mode.padEnd(7)}${shape.label.padEnd(15)}run again: a boundary missed the goal while the ${result.disturbed}`);
        reruns++;
        result = await runCase(target, sentinel, mode, shape);
      }
      result.lines.forEach((line) => console.log(line));
      errors.push(...result.errors);
      missed += result.missed;
      phantoms += result.phantoms;
    }
  }
  phantoms += await runHealthy(target, sentinel);
  const max = errors.reduce((m, e) => Math.max(m, e), 0);
  const within = errors.filter((e) => e <= GOAL_MS).length;
  console.log(`boundaries within ${GOAL_MS} ms: ${within}/${errors.length}; missed windows: ${missed}; phantom outages: ${phantoms}; cases run again after a machine pause: ${reruns}`);
  if (max > GOAL_MS || phantoms > 0 || missed > 0) process.exitCode = 1;
  console.log(`max boundary error: ${max.toFixed(2)} ms`);
}

await main();
