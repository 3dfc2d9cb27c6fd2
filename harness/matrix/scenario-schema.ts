// The scenario file (scenarios/NAME/scenario.yaml): an application under test.
import * as z from 'zod';
import { platformNames } from './cell.ts';
import { versionSchema } from './version-schema.ts';

const httpPath = z.string().startsWith('/', 'must start with "/"');

const endpointSchema = z.strictObject({ method: z.enum(['GET', 'POST', 'PUT', 'DELETE']), path: httpPath });

/** Numbers and booleans are accepted because YAML turns an unquoted 8080 or true into one. */
export const envSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const commandSpecSchema = z
  .strictObject({
    command: z.array(z.string().min(1)).min(1).meta({ description: 'Program and arguments (never a shell string)' }),
    cwd: z.string().default('.').meta({ description: 'Relative to the scenario file' }),
    env: envSchema.default({}),
  })
  .meta({ id: 'command', description: 'Placeholders: {{version}}, {{port}}, {{host}}, {{databaseUrl}}, {{replica}}' });

function runSchema<T extends z.ZodType>(spec: T) {
  const shape = Object.fromEntries(platformNames.map((platform) => [platform, spec.optional()])) as Record<
    (typeof platformNames)[number],
    z.ZodOptional<T>
  >;
  return z.strictObject(shape).meta({ description: 'How a version runs, per platform' });
}

const versionEntrySchema = z.strictObject({
  version: versionSchema,
  env: envSchema.optional().meta({ description: 'Merged into the env of run.*, preMigrate and postMigrate' }),
  run: runSchema(commandSpecSchema.nullable()).optional(),
  preMigrate: commandSpecSchema.nullable().optional(),
  postMigrate: commandSpecSchema.nullable().optional(),
});

export const scenarioSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'use letters, digits, dot, dash and underscore'),
    description: z.string().optional(),
    endpoints: z.strictObject({ health: httpPath, ready: httpPath, version: httpPath }),
    probes: z.strictObject({
      read: endpointSchema,
      write: endpointSchema.extend({ readBack: httpPath }).optional(),
    }),
    timeouts: z
      .strictObject({ startMs: z.int().positive().default(15_000), stopGraceMs: z.int().min(0).default(5000) })
      .prefault({}),
    upgradeStops: z.array(versionSchema).default([]).meta({ description: 'Versions an upgrade path may not skip' }),
    defaults: z
      .strictObject({
        run: runSchema(commandSpecSchema).optional(),
        preMigrate: commandSpecSchema.optional(),
        postMigrate: commandSpecSchema.optional(),
      })
      .prefault({})
      .meta({ description: 'Applied to every version unless the version says otherwise' }),
    versions: z.array(versionEntrySchema).min(1).meta({ description: 'In upgrade order' }),
  })
  .meta({ title: 'upgrade-harness scenario', description: 'An application under test' });

export type ScenarioConfig = z.output<typeof scenarioSchema>;
export type CommandSpecConfig = z.output<typeof commandSpecSchema>;
export type EnvConfig = z.output<typeof envSchema>;
