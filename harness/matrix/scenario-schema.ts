// The scenario file (scenarios/NAME/scenario.yaml): an application under test.
import * as z from 'zod';
import { runPlatforms } from './cell.ts';
import { kubernetesScenarioSchema, kubernetesVersionSchema } from './kubernetes-scenario-schema.ts';
import { vmScenarioSchema } from './vm-scenario-schema.ts';
import { durationMs } from './duration-schema.ts';
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

export const dockerRunSchema = z
  .strictObject({
    image: z.string().min(1).meta({ description: 'Image name, e.g. upgrade-harness/sample-app:{{version}}' }),
    port: z.int().min(1).max(65535).meta({ description: 'Port the app listens on inside the container ({{port}})' }),
    command: z.array(z.string().min(1)).default([]).meta({ description: "Replaces the image's command; runs in the image's working folder" }),
    env: envSchema.default({}),
  })
  .meta({ id: 'dockerRun', description: 'Placeholders: {{version}}, {{port}}, {{host}}, {{databaseUrl}}, {{replica}}' });

/** `nullable` lets a version say "not on this platform" where defaults say otherwise. */
function runSchema(nullable: boolean) {
  const local = nullable ? commandSpecSchema.nullable() : commandSpecSchema;
  const docker = nullable ? dockerRunSchema.nullable() : dockerRunSchema;
  const shape = { local: local.optional(), docker: docker.optional() } satisfies Record<(typeof runPlatforms)[number], z.ZodType>;
  return z.strictObject(shape).meta({ description: 'How a version runs, per platform' });
}

const relativePath = z.string().min(1).meta({ description: 'Relative to the scenario file' });

export const imageBuildSchema = z
  .strictObject({
    tag: z.string().min(1).meta({ description: 'Image name per version, e.g. upgrade-harness/sample-app:{{version}}' }),
    dockerfile: relativePath,
    context: relativePath.default('.'),
    include: z.array(z.string().min(1)).min(1).default(['.']).meta({ description: 'Paths in the context sent to the build; the cache key covers exactly these' }),
    nodePackages: z.array(z.string().min(1)).default([]).meta({ description: 'npm packages copied with their dependencies into node_modules/ of the build' }),
    args: envSchema.default({}).meta({ description: 'Build arguments; {{version}} is filled in' }),
  })
  .meta({ id: 'imageBuild', description: 'How `upgrade-harness images build` builds the app image of every version' });

/** The browser probe's journey: load a page, fill its form's text inputs with a unique value, submit, expect the value on the resulting page. */
const browserJourneySchema = z
  .strictObject({
    path: httpPath.default('/').meta({ description: 'Page holding the form' }),
    form: z.string().min(1).default('form').meta({ description: 'CSS selector of the form to fill and submit' }),
  })
  .meta({ id: 'browserJourney', description: 'Browser probe: load path, fill every text input of the form with a unique value, submit, expect that value in the resulting page' });

const versionEntrySchema = z.strictObject({
  version: versionSchema,
  env: envSchema.optional().meta({ description: 'Merged into the env of run.*, preMigrate and postMigrate' }),
  run: runSchema(true).optional(),
  preMigrate: commandSpecSchema.nullable().optional(),
  postMigrate: commandSpecSchema.nullable().optional(),
  kubernetes: kubernetesVersionSchema.optional(),
  rollback: z
    .strictObject({ restore: z.literal('snapshot') })
    .optional()
    .meta({ description: "restore: snapshot - this version's migrations cannot be undone: the harness backs the database up before upgrading to it, and a rollback from it restores that backup (platform vm)" }),
});

export const scenarioSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'use letters, digits, dot, dash and underscore').max(100, 'at most 100 characters'),
    description: z.string().optional(),
    endpoints: z.strictObject({ health: httpPath, ready: httpPath, version: httpPath }),
    probes: z.strictObject({
      read: endpointSchema,
      write: endpointSchema.extend({ readBack: httpPath }).optional(),
      browser: browserJourneySchema.optional(),
    }),
    timeouts: z
      .strictObject({ startMs: durationMs(1).default(15_000), stopGraceMs: durationMs(0).default(5000) })
      .prefault({}),
    upgradeStops: z.array(versionSchema).default([]).meta({ description: 'Versions an upgrade path may not skip' }),
    defaults: z
      .strictObject({
        run: runSchema(false).optional(),
        preMigrate: commandSpecSchema.optional(),
        postMigrate: commandSpecSchema.optional(),
      })
      .prefault({})
      .meta({ description: 'Applied to every version unless the version says otherwise' }),
    versions: z.array(versionEntrySchema).min(1).meta({ description: 'In upgrade order' }),
    kubernetes: kubernetesScenarioSchema.optional(),
    vm: vmScenarioSchema.optional(),
    images: z.strictObject({ app: imageBuildSchema }).optional().meta({ description: 'Docker platform: images built locally' }),
    database: z
      .strictObject({ image: z.string().min(1).meta({ description: 'e.g. postgres:16 (needs a registry); default: the image `images build` makes' }) })
      .optional()
      .meta({ description: 'Docker platform: the PostgreSQL image (honours POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB)' }),
  })
  .meta({ title: 'upgrade-harness scenario', description: 'An application under test' });

export type ScenarioConfig = z.output<typeof scenarioSchema>;
export type CommandSpecConfig = z.output<typeof commandSpecSchema>;
export type DockerRunConfig = z.output<typeof dockerRunSchema>;
export type EnvConfig = z.output<typeof envSchema>;
