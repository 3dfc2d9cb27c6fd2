// Enumerated names (methods, platforms) as schema enums, so editors complete them from the
// JSON Schema, with the message users need: what was written, and every name that works.
import * as z from 'zod';

export function unknownNameMessage(kind: string, input: unknown, known: readonly string[]): string {
  const shown = typeof input === 'string' ? JSON.stringify(input) : String(input);
  return `unknown ${kind} ${shown}; known: ${known.join(', ')}`;
}

export function knownName<const T extends readonly [string, ...string[]]>(kind: string, known: T) {
  return z.enum(known, { error: (issue) => unknownNameMessage(kind, issue.input, known) });
}
