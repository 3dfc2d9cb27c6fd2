// One object that fans every hook out to every reporter, in order, and contains their failures:
// a broken reporter must never break the run or silence the other reporters (Playwright's multiplexer).
import type { Reporter } from './reporter.ts';

export type ReporterHooks = Required<Omit<Reporter, 'name'>>;
export type HookName = keyof ReporterHooks;
/** Called for each reporter failure; it should not throw (if it does, the hook call rejects). */
export type ReporterErrorHandler = (reporter: string, hook: string, error: unknown) => void;

const hookNames: readonly HookName[] = ['onRunBegin', 'onCellBegin', 'onPhase', 'onTraffic', 'onCellEnd', 'onRunEnd'];

export function createReporterMux(reporters: Reporter[], onError: ReporterErrorHandler): ReporterHooks {
  const list = [...reporters];
  const fanOut = (hook: HookName) =>
    async (...args: unknown[]): Promise<void> => {
      for (const reporter of list) {
        const method = reporter[hook] as ((...hookArgs: unknown[]) => void | Promise<void>) | undefined;
        if (typeof method !== 'function') continue;
        try {
          // `await` catches both a synchronous throw and a rejected promise.
          await method.apply(reporter, args);
        } catch (error) {
          onError(reporter.name, hook, error);
        }
      }
    };
  const mux = {} as Record<HookName, (...args: unknown[]) => Promise<void>>;
  for (const hook of hookNames) mux[hook] = fanOut(hook);
  return mux as unknown as ReporterHooks;
}
