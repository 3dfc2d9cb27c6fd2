// The JSON Schema files editors use (via the `# yaml-language-server: $schema=` comment),
// generated from the zod schemas so they cannot drift; a test checks they are current.
import { join } from 'node:path';
import * as z from 'zod';
import { policySchema } from '../gates/policy-schema.ts';
import { matrixSchema } from './matrix-schema.ts';
import { scenarioSchema } from './scenario-schema.ts';

export interface GeneratedFile {
  /** Relative to the project root. */
  path: string;
  content: string;
}

export function jsonSchemaFiles(): GeneratedFile[] {
  return [
    { path: join('matrices', 'matrix.schema.json'), content: render(matrixSchema) },
    { path: join('scenarios', 'scenario.schema.json'), content: render(scenarioSchema) },
    { path: join('matrices', 'policy.schema.json'), content: render(policySchema) },
  ];
}

/** Input shape: what a person may write, with defaults shown and not required. */
function render(schema: z.ZodType): string {
  return `${JSON.stringify(z.toJSONSchema(schema, { io: 'input' }), null, 2)}\n`;
}
