import type { ProvisionContext } from '../../harness/platforms/platform.ts';
import { SharedResources } from '../../harness/runner/shared-resources.ts';

/** A ProvisionContext for provisioning one environment outside a run (tests, benchmarks); dispose it to release shared resources. */
export function provisionContext(runId: string, logDir: string, signal = new AbortController().signal): ProvisionContext & AsyncDisposable {
  const shared = new SharedResources();
  return {
    runId,
    logDir,
    signal,
    event: () => undefined,
    concurrency: 1,
    shared: (key, create) => shared.get(key, create),
    runSignal: signal,
    [Symbol.asyncDispose]: () => shared[Symbol.asyncDispose](),
  };
}
