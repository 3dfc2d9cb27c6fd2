import { InfrastructureError } from '../errors.ts';
import type { HttpEndpoint, Scenario } from '../matrix/cell.ts';
import { fillPlaceholders, placeholdersIn } from '../matrix/placeholders.ts';

export type SetupValues = Readonly<Record<string, string>>;

/**
 * The scenario's probes with {{setup.NAME}} filled from what the setup step printed; {{key}} and
 * {{value}} stay for the write ledger. A name the setup did not print is the setup's error.
 */
export function fillProbes(probes: Scenario['probes'], setup: SetupValues): Scenario['probes'] {
  const values = Object.fromEntries(Object.entries(setup).map(([name, value]) => [`setup.${name}`, value]));
  const fill = (text: string, field: string): string => {
    for (const name of placeholdersIn(text)) {
      if (name.startsWith('setup.') && !(name in values)) {
        const printed = Object.keys(setup);
        throw new InfrastructureError(`the setup step printed no "${name.slice('setup.'.length)}", which ${field} uses (it printed ${printed.length ? printed.join(', ') : 'nothing'})`, {
          code: 'SETUP_FAILED',
          hint: 'make the setup command print one JSON object holding every {{setup.NAME}} the probes use',
        });
      }
    }
    return fillPlaceholders(text, values);
  };
  const endpoint = <T extends HttpEndpoint>(probe: T, name: string): T => ({
    ...probe,
    path: fill(probe.path, `probes.${name}.path`),
    headers: Object.fromEntries(
      Object.entries(probe.headers ?? {}).map(([header, value]) => {
        const filled = fill(value, `probes.${name}.headers.${header}`);
        if (/[\r\n]/.test(filled)) throw new InfrastructureError(`probes.${name}.headers.${header} holds a line break once filled from the setup step's output`, { code: 'SETUP_FAILED' });
        return [header, filled];
      }),
    ),
  });
  const { read, write, browser } = probes;
  return {
    read: endpoint(read, 'read'),
    ...(write
      ? {
          write: {
            ...endpoint(write, 'write'),
            ...(write.body !== undefined ? { body: fill(write.body, 'probes.write.body') } : {}),
            readBack: { ...write.readBack, path: fill(write.readBack.path, 'probes.write.readBack.path') },
          },
        }
      : {}),
    ...(browser ? { browser } : {}),
  };
}

/**
 * Parses the setup step's standard output: one JSON object whose fields (strings, numbers,
 * booleans) become {{setup.NAME}}. Anything else is the setup's error, quoting what it printed.
 */
export function parseSetupOutput(stdout: string, logFile: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const shown = stdout.trim().slice(0, 200) || '(nothing)';
    throw new InfrastructureError(`the setup step must print one JSON object on its standard output; it printed: ${shown}`, {
      code: 'SETUP_FAILED',
      hint: `see ${logFile}; print e.g. {"token": "..."} and send anything else to standard error`,
    });
  }
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values[name] = String(value);
  }
  return values;
}
