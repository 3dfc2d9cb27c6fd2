import { describe, expect, it } from 'vitest';
import { AbortedError, DeadlineError } from '../../harness/errors.ts';
import { hold, runSteps, type Step } from '../../harness/runner/steps.ts';

/**
 * Steps that log what ran; `failAt` makes that setup throw, `hangAt` makes it wait until the signal
 * aborts and then take a moment to stop (as starting a database does).
 */
function steps(log: string[], options: { failAt?: string; hangAt?: string } = {}): Step[] {
  return ['provision', 'install', 'traffic', 'upgrade'].map((title) => ({
    title,
    setup: async (signal) => {
      log.push(`setup ${title}`);
      if (title === options.failAt) throw new Error(`${title} broke`);
      if (title === options.hangAt) {
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        await new Promise((resolve) => setTimeout(resolve, 50));
        log.push(`setup ${title} stopped`);
      }
    },
    teardown: title === 'upgrade' ? undefined : async () => void log.push(`teardown ${title}`),
  }));
}

describe('a cell as a list of steps', () => {
  it('runs setups in order, then teardowns in reverse', async () => {
    const log: string[] = [];
    const outcome = await runSteps(steps(log), new AbortController().signal);
    expect(outcome).toEqual({ error: null, failedStep: null, teardownErrors: [] });
    expect(log).toEqual(['setup provision', 'setup install', 'setup traffic', 'setup upgrade', 'teardown traffic', 'teardown install', 'teardown provision']);
  });

  it('tears down a step whose setup failed half way, and stops there', async () => {
    const log: string[] = [];
    const outcome = await runSteps(steps(log, { failAt: 'install' }), new AbortController().signal);
    expect(outcome.failedStep).toBe('install');
    expect((outcome.error as Error).message).toBe('install broke');
    expect(log).toEqual(['setup provision', 'setup install', 'teardown install', 'teardown provision']);
  });

  it('an interrupt races the running step: once it stopped, teardowns run; the error says why', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    setTimeout(() => controller.abort(new AbortedError('interrupted by SIGINT')), 20);
    const outcome = await runSteps(steps(log, { hangAt: 'traffic' }), controller.signal);
    expect(outcome.error).toBeInstanceOf(AbortedError);
    expect(outcome.failedStep).toBe('traffic');
    // The interrupted setup finishes stopping first: its teardown can then remove what it made.
    expect(log.slice(-4)).toEqual(['setup traffic stopped', 'teardown traffic', 'teardown install', 'teardown provision']);
  });

  it('a deadline is a DeadlineError with a hint, not an interrupt', async () => {
    const outcome = await runSteps(steps([], { hangAt: 'install' }), AbortSignal.timeout(20));
    expect(outcome.error).toBeInstanceOf(DeadlineError);
    expect((outcome.error as DeadlineError).hint).toContain('deadlineMs');
  });

  it('runs beforeTeardown between the last setup and the first teardown, and collects teardown errors', async () => {
    const log: string[] = [];
    const list = steps(log);
    list[0]!.teardown = async () => {
      throw new Error('could not stop the database');
    };
    const outcome = await runSteps(list, new AbortController().signal, async () => void log.push('kept for inspection'));
    expect(log.slice(3, 5)).toEqual(['setup upgrade', 'kept for inspection']);
    expect(outcome.teardownErrors).toHaveLength(1);
    expect(outcome.teardownErrors[0]?.step).toBe('provision');
  });

  it('hold waits, or rejects as soon as the signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new AbortedError('stop')), 10);
    await expect(hold(60_000, controller.signal)).rejects.toBeInstanceOf(AbortedError);
  });
});
