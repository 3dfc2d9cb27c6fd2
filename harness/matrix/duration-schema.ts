import * as z from 'zod';

/**
 * Node's timers hold a signed 32-bit count of milliseconds; past it, setTimeout and
 * AbortSignal.timeout fire after 1 ms instead (with only a warning), so a longer duration
 * would silently become no wait at all.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_TIMER_TEXT = `at most ${MAX_TIMER_MS} ms (about ${Math.floor((MAX_TIMER_MS / 86_400_000) * 10) / 10} days), the longest a Node timer can wait`;

/** A whole number of milliseconds a timer waits: at least `min` (0 or 1), at most MAX_TIMER_MS. */
export function durationMs(min: 0 | 1) {
  return z
    .int()
    .min(min)
    .max(MAX_TIMER_MS, { error: (issue) => `${MAX_TIMER_TEXT}; got ${String(issue.input)}` });
}
