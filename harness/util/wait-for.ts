import { setTimeout as sleep } from 'node:timers/promises';
import { WaitTimeoutError } from '../errors.ts';

export interface WaitOptions {
  /** What is awaited, for the timeout message ("replica r2 (2.0.0) to be ready"). */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  /** Last log lines of what was awaited, read when the wait times out. */
  logTail?: () => Promise<string[]>;
  /** Checked between polls: a condition that can never come true any more (the process exited). */
  giveUp?: () => Error | null;
}

/** Polls `condition` until it holds; never a fixed sleep. Every wait has its own timeout. */
export async function waitFor(condition: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = performance.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 50;
  for (;;) {
    options.signal?.throwIfAborted();
    const hopeless = options.giveUp?.();
    if (hopeless) throw hopeless;
    if (await condition().catch(() => false)) return;
    if (performance.now() >= deadline) {
      throw new WaitTimeoutError(options.what, options.timeoutMs, (await options.logTail?.()) ?? []);
    }
    await sleep(interval, undefined, options.signal ? { signal: options.signal } : undefined);
  }
}
