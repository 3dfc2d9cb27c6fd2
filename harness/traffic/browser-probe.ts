// The `browser` probe: real Chromium through the scenario's user journey at a low open-loop rate.
// Each journey is one record: send time = journey start, duration = whole journey, outcome as a
// request's, serving version from the last page response. Catches what a request probe cannot:
// a page whose form posts to a route the new version dropped, a redirect loop, a broken result page.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';
import { ConfigError } from '../errors.ts';
import type { Scenario } from '../matrix/cell.ts';
import { runJourney } from './browser-journey.ts';
import { launchChromium } from './chromium.ts';
import { openLoop } from './open-loop.ts';
import { OUTCOME_OK, outcomeCode } from './outcome.ts';
import { ProbeUnavailable, type RunningProbe } from './probe.ts';
import { RecordStore } from './record-store.ts';

export interface BrowserProbeOptions {
  baseUrl: string;
  scenario: Scenario;
  /** Journeys per second (e.g. 0.5). */
  rate: number;
  /** Per navigation (the page load, then the form's answer). */
  timeoutMs: number;
  /** Journeys that may run at once; one more due is recorded as failed (default 4). */
  maxConcurrent?: number;
  /** Extra environment for the browser processes (tests mark them to prove none survives). */
  browserEnv?: Record<string, string>;
}

const DEFAULT_MAX_CONCURRENT = 4;
// A journey that cannot start because the earlier ones still hold every page: the app (or the
// machine) is too slow for the schedule, which a user would feel too. Not a timeout of its own.
const NOT_STARTED = outcomeCode('other');

export async function startBrowserProbe(options: BrowserProbeOptions): Promise<RunningProbe> {
  const journey = options.scenario.probes.browser;
  if (!journey) {
    throw new ProbeUnavailable(`scenario ${options.scenario.name} describes no browser journey (add probes.browser: { path: / } to its scenario file)`);
  }
  if (!(options.rate > 0) || !Number.isFinite(options.rate)) {
    throw new ConfigError(`browser probe rate must be a positive number of journeys per second, got ${options.rate}`, [], 'set probes.browser.rate, e.g. 0.5');
  }
  const browser: Browser = await launchChromium(options.browserEnv ? { env: options.browserEnv } : {});
  const maxConcurrent = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
  const records = new RecordStore(64);
  // Values are unique across runs, so a result page left over from another run can never match.
  const prefix = `uh${randomBytes(4).toString('hex')}`;
  let started = 0;
  let failures = 0;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const record = (scheduledMs: number, sentMs: number, outcome: number, status: number, version: string | null): void => {
    records.push(scheduledMs, sentMs, performance.now() - sentMs, outcome, status, version);
    if (outcome !== OUTCOME_OK) failures++;
  };

  const send = (scheduledMs: number): void => {
    const sentMs = performance.now();
    if (inFlight >= maxConcurrent || !browser.isConnected()) {
      record(scheduledMs, sentMs, NOT_STARTED, 0, null);
      return;
    }
    inFlight++;
    const value = `${prefix}-${started++}`;
    void runJourney(browser, options.baseUrl, journey, value, options.timeoutMs)
      .catch(() => ({ outcome: NOT_STARTED, status: 0, version: null }))
      .then(({ outcome, status, version }) => {
        record(scheduledMs, sentMs, outcome, status, version);
        if (--inFlight === 0 && drained) drained();
      });
  };
  const loop = openLoop(options.rate, send);

  let stopping: Promise<RecordStore> | undefined;
  const stop = (): Promise<RecordStore> => {
    stopping ??= (async () => {
      loop.stop();
      // Every journey is bounded by its navigation timeouts, so this wait ends.
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      await browser.close().catch(() => {});
      return records;
    })();
    return stopping;
  };
  return {
    name: 'browser',
    records,
    stats: () => ({ requests: records.length, failures, inFlight }),
    stop,
    [Symbol.asyncDispose]: async () => {
      await stop();
    },
  };
}
