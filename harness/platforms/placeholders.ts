import type { CommandSpec } from '../matrix/cell.ts';
import { fillPlaceholders } from '../matrix/placeholders.ts';

/** The command and environment with every placeholder the platform knows ({{port}}, {{databaseUrl}}...) filled in. */
export function fillCommand(spec: CommandSpec, values: Readonly<Record<string, string>>): CommandSpec {
  return {
    command: spec.command.map((part) => fillPlaceholders(part, values)),
    cwd: fillPlaceholders(spec.cwd, values),
    env: Object.fromEntries(Object.entries(spec.env).map(([key, value]) => [key, fillPlaceholders(value, values)])),
    ...(spec.origin ? { origin: spec.origin } : {}),
  };
}
