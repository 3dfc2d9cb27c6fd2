import type { CommandSpec } from '../matrix/cell.ts';

/** Values a platform fills into a scenario's commands and environment: {{port}}, {{databaseUrl}}... */
export type PlaceholderValues = Record<string, string>;

const placeholder = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(placeholder, (whole, name: string) => values[name] ?? whole);
}

/** The command and environment with every placeholder the platform knows filled in. */
export function fillCommand(spec: CommandSpec, values: PlaceholderValues): CommandSpec {
  return {
    command: spec.command.map((part) => fillPlaceholders(part, values)),
    cwd: fillPlaceholders(spec.cwd, values),
    env: Object.fromEntries(Object.entries(spec.env).map(([key, value]) => [key, fillPlaceholders(value, values)])),
  };
}
