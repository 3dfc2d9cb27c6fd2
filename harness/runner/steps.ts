import { setTimeout as sleep } from 'node:timers/promises';
import { AbortedError, DeadlineError } from '../errors.ts';

/**
 * One step of a cell. Its teardown is registered before its setup runs, so a setup that fails
 * half way (or is interrupted) is still torn down; teardowns run in reverse order.
 */
export interface Step {
  title: string;
  setup(signal: AbortSignal): Promise<void>;
  teardown?(): Promise<void>;
}

export interface StepsOutcome {
  /** The first error of a setup (or the abort), if any. */
  error: unknown;
  failedStep: string | null;
  teardownErrors: { step: string; error: unknown }[];
}

/**
 * Runs the setups in order, racing each against the signal, then every registered teardown in
 * reverse. `beforeTeardown` runs in between, whatever happened (to keep an environment for inspection).
 */
export async function runSteps(steps: Step[], signal: AbortSignal, beforeTeardown?: () => Promise<void>): Promise<StepsOutcome> {
  const registered: Step[] = [];
  let error: unknown = null;
  let failedStep: string | null = null;
  let inFlight: Promise<void> | null = null;
  for (const step of steps) {
    if (step.teardown) registered.push(step);
    try {
      signal.throwIfAborted();
      inFlight = step.setup(signal);
      await raceAbort(inFlight, signal);
      inFlight = null;
    } catch (caught) {
      error = signal.aborted ? abortReason(signal) : caught;
      failedStep = step.title;
      break;
    }
  }
  // An interrupted setup is still running (starting a database, say): its teardown can only remove
  // what it made once it is done, so give it the time to see the signal and stop.
  if (inFlight) await settled(inFlight, SETTLE_AFTER_ABORT_MS);
  await beforeTeardown?.().catch(() => undefined);
  const teardownErrors: StepsOutcome['teardownErrors'] = [];
  for (const step of registered.reverse()) {
    try {
      await step.teardown!();
    } catch (caught) {
      teardownErrors.push({ step: step.title, error: caught });
    }
  }
  return { error, failedStep, teardownErrors };
}

/** How long an interrupted setup may take to stop before its teardown runs regardless. */
const SETTLE_AFTER_ABORT_MS = 30_000;

async function settled(promise: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
}

/** Resolves or rejects with the promise, or rejects as soon as the signal aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (caught) => { signal.removeEventListener('abort', onAbort); reject(caught); },
    );
  });
}

export function abortReason(signal: AbortSignal): AbortedError | DeadlineError {
  const reason: unknown = signal.reason;
  if (reason instanceof AbortedError) return reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') return new DeadlineError();
  return new AbortedError(reason instanceof Error ? reason.message : 'interrupted');
}

/** Waits `ms`, or rejects when the signal aborts first. */
export async function hold(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    throw abortReason(signal);
  }
}
