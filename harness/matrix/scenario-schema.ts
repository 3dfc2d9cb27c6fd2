// The scenario file (scenarios/NAME/scenario.yaml): an application under test.
import * as z from 'zod';
import { runPlatforms } from './cell.ts';
import { kubernetesScenarioSchema, kubernetesVersionSchema } from './kubernetes-scenario-schema.ts';
import { vmScenarioSchema } from './vm-scenario-schema.ts';
import { durationMs } from './duration-schema.ts';
import { endpointsSchema, probesSchema } from './probe-schema.ts';
import { versionSchema } from './version-schema.ts';
import { commandSpecSchema, envSchema } from './command-spec-schema.ts';

export const dockerRunSchema = z
  .strictObject({
    image: z.string().min(1).meta({ description: 'Image name, e.g. upgrade-harness/sample-app:{{version}}' }),
    port: z.int().min(1).max(65535).meta({ description: 'Port the app listens on inside the container ({{port}})' }),
    command: z.array(z.string().min(1)).default([]).meta({ description: "Replaces the image's command; runs in the image's working folder" }),
    env: envSchema.default({}),
  })
  .meta({ id: 'dockerRun', description: 'Placeholders: {{version}}, {{port}}, {{host}}, {{databaseUrl}}, {{replica}}, {{dataDir}} (the cell\'s data folder, mounted in every container)' });

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

const versionEntrySchema = z.strictObject({
  version: versionSchema,
  env: envSchema.optional().meta({ description: 'Merged into the env of run.*, preMigrate and postMigrate' }),
  run: runSchema(true).optional(),
  preMigrate: commandSpecSchema.nullable().optional(),
  postMigrate: commandSpecSchema.nullable().optional(),
  kubernetes: kubernetesVersionSchema.optional(),
  rollback: z
    .union([
      z.strictObject({ restore: z.literal('snapshot') }).meta({
        description: "This version's migrations cannot be undone: the harness copies the state (data folder, database) before upgrading to it, and a rollback from it stops it, restores the copy and starts the old version",
      }),
      commandSpecSchema.meta({ description: 'A down-migration, run once a rollback from this version has moved the replicas back (the mirror of an upgrade); placeholders as in migrations' }),
    ])
    .optional()
    .meta({ description: 'How a rollback from this version gets its data back: restore: snapshot, or a down-migration command' }),
});

export const scenarioSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'use letters, digits, dot, dash and underscore').max(100, 'at most 100 characters'),
    description: z.string().optional(),
    endpoints: endpointsSchema,
    probes: probesSchema,
    setup: commandSpecSchema
      .optional()
      .meta({ description: 'Runs once after the first version is installed and ready, before traffic; its standard output, one JSON object, fills {{setup.NAME}} in the probes. Placeholders as in migrations, and {{url}} (the front door)' }),
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
    images: z
      .strictObject({
        app: imageBuildSchema,
        operator: imageBuildSchema
          .optional()
          .meta({ description: "Method operator: the operator's image, one for every version (loaded into kind and k3d clusters beside the app's)" }),
      })
      .optional()
      .meta({ description: 'Images `images build` builds locally: the app per version (docker, kind, k3d), and an operator' }),
    database: z
      .union([
        z.enum(['postgres', 'none']),
        z.strictObject({ image: z.string().min(1).meta({ description: 'e.g. postgres:16 (needs a registry); default: the image `images build` makes' }) }).meta({
          description: 'PostgreSQL from this image on the docker platform (honours POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB)',
        }),
      ])
      .default('postgres')
      .meta({ description: 'postgres (the default: a PostgreSQL per cell, {{databaseUrl}}), none (the app keeps its own state, e.g. in {{dataDir}}), or { image } for docker' }),
  })
  .meta({ title: 'upgrade-harness scenario', description: 'An application under test' });

export type ScenarioConfig = z.output<typeof scenarioSchema>;
export type CommandSpecConfig = z.output<typeof commandSpecSchema>;
export type DockerRunConfig = z.output<typeof dockerRunSchema>;
export type EnvConfig = z.output<typeof envSchema>;
