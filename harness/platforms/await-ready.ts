import { UpgradeFailedError } from '../errors.ts';
import { logTail } from '../util/log-tail.ts';
import { waitFor } from '../util/wait-for.ts';
import type { Replica } from './platform.ts';

export interface ReadinessOptions {
  readyPath: string;
  startTimeoutMs: number;
  signal: AbortSignal;
  /** The replica's log, quoted when it never becomes ready. */
  logFile: string;
}

/**
 * Waits until a started replica's ready endpoint answers 200. A replica that dies first or stays
 * unready is stopped and fails the upgrade (a product failure), quoting its last log lines.
 */
export async function awaitReady(replica: Replica, options: ReadinessOptions): Promise<void> {
  const what = `replica ${replica.id} (${replica.version})`;
  try {
    await waitFor(() => answersReady(replica.url + options.readyPath), {
      what: `${what} to be ready at ${replica.url}${options.readyPath}`,
      timeoutMs: options.startTimeoutMs,
      signal: options.signal,
      logTail: () => logTail(options.logFile),
      giveUp: () => (replica.running ? null : new Error('exited')),
    });
  } catch (cause) {
    const died = !replica.running;
    await replica.stop();
    if (options.signal.aborted) throw cause;
    const tail = (await logTail(options.logFile, 8)).join('\n  ');
    throw new UpgradeFailedError(
      died ? `${what} exited before it was ready\n  ${tail}` : `${what} was not ready within ${options.startTimeoutMs} ms\n  ${tail}`,
      { code: 'REPLICA_NOT_READY', hint: `see ${options.logFile}`, cause, timingDependent: !died },
    );
  }
}

/** Why a replica that was ready is not any more (it died, its ready endpoint fails), or null while it is. */
export async function readinessProblem(replica: Replica, readyPath: string): Promise<string | null> {
  if (!replica.running) return 'it is no longer running';
  try {
    const response = await fetch(replica.url + readyPath, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.status === 200 ? null : `${readyPath} answers HTTP ${response.status}`;
  } catch (error) {
    return `${readyPath} does not answer (${error instanceof Error && error.name === 'TimeoutError' ? 'no answer within 2000 ms' : 'connection failed'})`;
  }
}

async function answersReady(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
  await response.body?.cancel();
  return response.status === 200;
}
