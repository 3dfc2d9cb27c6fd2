// A program the scenario names: argument array, working folder, environment. Shared by the
// scenario's run, migration and setup commands and by an operator run as a process.
import * as z from 'zod';

/** Numbers and booleans are accepted because YAML turns an unquoted 8080 or true into one. */
export const envSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const commandSpecSchema = z
  .strictObject({
    command: z.array(z.string().min(1)).min(1).meta({ description: 'Program and arguments (never a shell string)' }),
    cwd: z.string().default('.').meta({ description: 'Relative to the scenario file' }),
    env: envSchema.default({}),
  })
  .meta({ id: 'command', description: 'Placeholders: {{version}}, {{host}}, {{databaseUrl}}, {{dataDir}}; run commands also {{port}} and {{replica}}; setup also {{url}}' });

