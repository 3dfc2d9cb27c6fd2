// {{name}} placeholders in scenario commands and probes. {{version}} is filled at load time; the
// rest by whoever runs the program or sends the request (it alone knows the port, the data
// folder, the setup step's output). Each place a scenario can hold text has its own set: a
// placeholder that validates is one that gets filled there.

/** Where text with placeholders sits in a scenario. */
export type PlaceholderContext = 'run' | 'migration' | 'setup' | 'probe' | 'write-path' | 'write-body' | 'read-back';

const commandBase = ['version', 'host', 'dataDir'] as const;

/** Names known in each context; `setup.` stands for any {{setup.NAME}}. */
export function placeholdersFor(context: PlaceholderContext, database: boolean): readonly string[] {
  const db = database ? ['databaseUrl'] : [];
  switch (context) {
    case 'run':
      return [...commandBase, ...db, 'port', 'replica'];
    case 'migration':
      return [...commandBase, ...db];
    case 'setup':
      return [...commandBase, ...db, 'url'];
    case 'probe':
      return ['setup.'];
    case 'write-body':
      return ['setup.', 'key', 'value'];
    case 'write-path':
    case 'read-back':
      return ['setup.', 'key'];
  }
}

/** Every name any context knows, for messages that suggest a spelling. */
export const allPlaceholders: readonly string[] = ['version', 'host', 'dataDir', 'databaseUrl', 'port', 'replica', 'url', 'setup.NAME', 'key', 'value'];

const placeholderPattern = /\{\{([^{}]*)\}\}/g;

/** Names inside {{...}}, exactly as written (so "{{ port }}" yields " port ", which is unknown). */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(placeholderPattern)].map((match) => match[1] ?? '');
}

/** Replaces the placeholders named in `values`; leaves the others for a later stage. */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(placeholderPattern, (whole, name: string) => values[name] ?? whole);
}
