// The scenario's setup step: run once the first version serves, where the app's commands run; its
// output, one JSON object, fills {{setup.NAME}} in the probes. The values a probe's headers carry
// are credentials: they are masked wherever the cell writes text.
import { appendFile } from 'node:fs/promises';
import { InfrastructureError } from '../errors.ts';
import type { Cell } from '../matrix/cell.ts';
import { placeholdersIn } from '../matrix/placeholders.ts';
import type { Environment } from '../platforms/platform.ts';
import { setupLogFile } from '../platforms/setup-outcome.ts';
import type { CellResult } from '../results.ts';
import { parseSetupOutput, type SetupValues } from '../traffic/fill-probes.ts';
import type { SecretMask } from './secret-mask.ts';

export async function runSetupStep(cell: Cell, env: Environment, logDir: string, secrets: SecretMask, event: (message: string) => void): Promise<SetupValues> {
  const spec = cell.scenario.setup;
  if (!spec) return {};
  // The matrix rules refuse `setup` on platforms that cannot run it.
  if (!env.runSetup) throw new InfrastructureError(`platform ${cell.platform} cannot run the scenario's setup step`, { code: 'INTERNAL' });
  event(`setup: ${spec.command.join(' ')}`);
  const stdout = await env.runSetup(spec);
  const values = parseSetupOutput(stdout, setupLogFile(logDir));
  secrets.add(headerSecrets(cell, values));
  await appendFile(setupLogFile(logDir), `[stdout] ${secrets.mask(stdout.trimEnd())}\n`);
  event(`setup printed ${Object.keys(values).join(', ') || 'an empty object'}`);
  return values;
}

/** The setup values that go into a probe's headers. */
function headerSecrets(cell: Cell, values: SetupValues): string[] {
  const { read, write } = cell.scenario.probes;
  const names = [read, ...(write ? [write] : [])].flatMap((probe) => Object.values(probe.headers ?? {}).flatMap((value) => placeholdersIn(value)));
  return names.flatMap((name) => {
    const value = name.startsWith('setup.') ? values[name.slice('setup.'.length)] : undefined;
    return value === undefined ? [] : [value];
  });
}

/** Events and the error message are where a cell's text could quote a secret (a failing request's words). */
export function maskResult(result: CellResult, secrets: SecretMask): CellResult {
  if (secrets.empty) return result;
  return {
    ...result,
    events: result.events.map((event) => ({ ...event, message: secrets.mask(event.message) })),
    ...(result.error ? { error: { ...result.error, message: secrets.mask(result.error.message) } } : {}),
    ...(result.cause ? { cause: secrets.mask(result.cause) } : {}),
  };
}
