// {{name}} placeholders in scenario commands. {{version}} is filled at load time; the rest
// are filled by the platform that starts the program (it alone knows the port, host, ...).

export const loadTimePlaceholders = ['version'] as const;
export const platformPlaceholders = ['port', 'host', 'databaseUrl', 'replica'] as const;
export const knownPlaceholders: readonly string[] = [...loadTimePlaceholders, ...platformPlaceholders];

const placeholderPattern = /\{\{([^{}]*)\}\}/g;

/** Names inside {{...}}, exactly as written (so "{{ port }}" yields " port ", which is unknown). */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(placeholderPattern)].map((match) => match[1] ?? '');
}

/** Replaces the placeholders named in `values`; leaves the others for a later stage. */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(placeholderPattern, (whole, name: string) => values[name] ?? whole);
}
