import { InfrastructureError } from '../errors.ts';
import { logTail } from '../util/log-tail.ts';
import { pathInside } from '../util/path-inside.ts';

/** Where the setup step's errors go, on every platform. */
export function setupLogFile(logDir: string): string {
  return pathInside(logDir, 'setup.log');
}

/**
 * A setup step that failed: no verdict on the upgrade can follow (the probes have no token), so
 * it is an error of the cell, quoting the end of its log.
 */
export async function setupFailed(logFile: string, why: string): Promise<InfrastructureError> {
  const tail = await logTail(logFile, 8);
  return new InfrastructureError(`the setup step ${why}${tail.length ? `\n  ${tail.join('\n  ')}` : ''}`, {
    code: 'SETUP_FAILED',
    hint: `see ${logFile}; fix the scenario's setup command`,
  });
}
