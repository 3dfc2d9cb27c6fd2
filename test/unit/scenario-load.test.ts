import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.ts';
import { formatConfigError } from '../../harness/matrix/format-config-error.ts';
import { loadScenario } from '../../harness/matrix/load-scenario.ts';
import { fillPlaceholders, placeholdersIn } from '../../harness/matrix/placeholders.ts';

const root = resolve(import.meta.dirname, '../..');
const scenarios = join(root, 'test/fixtures/scenarios');

async function problems(file: string): Promise<string[]> {
  const error = await loadScenario(file).catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(ConfigError);
  return formatConfigError(error as ConfigError, scenarios).split('\n');
}

describe('loadScenario: resolution', async () => {
  const file = join(scenarios, 'three-versions/scenario.yaml');
  const scenario = await loadScenario(file);
  const dir = join(scenarios, 'three-versions');
  const [v1, v11, v2] = scenario.versions;

  it('keeps the order, stops, endpoints, probes, and applies timeout defaults', () => {
    expect(scenario).toMatchObject({
      name: 'three-versions',
      file,
      dir,
      upgradeStops: ['1.1.0'],
      endpoints: { health: '/healthz', ready: '/readyz', version: { path: '/version' } },
      // The plain read-back form: GET /items/<key> answers {key, value}.
      probes: { read: { method: 'GET', path: '/items', headers: {} }, write: { method: 'POST', path: '/items', headers: {}, readBack: { path: '/items/{{key}}' } } },
      database: 'postgres',
      startTimeoutMs: 15_000,
      stopGraceMs: 5000,
    });
    expect(scenario.versions.map((version) => version.version)).toEqual(['1.0.0', '1.1.0', '2.0.0']);
  });

  it('applies defaults to each version, fills {{version}} and leaves platform placeholders', () => {
    expect(v1).toEqual({
      version: '1.0.0',
      run: {
        local: {
          command: ['node', 'app/server.mjs', '--version', '1.0.0'],
          cwd: dir,
          env: { PORT: '{{port}}', HOST: '{{host}}', REPLICA: '{{replica}}', LOG: 'app-1.0.0.log', DEBUG: '1' },
          origin: { file, field: 'defaults.run.local' },
        },
      },
      preMigrate: { command: ['node', 'app/migrate.mjs', 'pre', '1.0.0'], cwd: dir, env: { DATABASE_URL: '{{databaseUrl}}' }, origin: { file, field: 'defaults.preMigrate' } },
      postMigrate: { command: ['node', 'app/migrate.mjs', 'post', '1.0.0'], cwd: join(dir, 'tools'), env: {}, origin: { file, field: 'defaults.postMigrate' } },
    });
  });

  it("merges a version's env into every command of that version, the version winning", () => {
    expect(v11?.run.local?.env).toMatchObject({ EXTRA: 'x', DEBUG: '0', LOG: 'app-1.1.0.log' });
    expect(v11?.preMigrate?.env).toEqual({ DATABASE_URL: '{{databaseUrl}}', EXTRA: 'x', DEBUG: '0' });
    expect(v11?.postMigrate?.env).toEqual({ EXTRA: 'x', DEBUG: '0' });
  });

  it('lets a version replace a command or null one out', () => {
    // The origin names the version's own field, for errors about a command that cannot start.
    expect(v2?.run.local).toEqual({ command: ['node', 'app/server-v2.mjs'], cwd: join(dir, 'v2'), env: {}, origin: { file, field: 'versions[2].run.local' } });
    expect(v2?.preMigrate?.command).toEqual(['node', 'app/migrate.mjs', 'pre', '2.0.0']);
    expect(v2).not.toHaveProperty('postMigrate');
  });

  it('loads the sample-app scenario', async () => {
    const sample = await loadScenario(join(root, 'scenarios/sample-app/scenario.yaml'));
    expect(sample.name).toBe('sample-app');
    expect(sample.versions.map((version) => version.version)).toEqual(['1.0.0', '1.1.0', '2.0.0']);
    expect(sample.upgradeStops).toEqual(['1.1.0']);
    expect(sample.versions[2]?.run.local?.env.APP_VERSION).toBe('2.0.0');
  });
});

describe('loadScenario: problems', () => {
  it('schema problems: wrong value, missing field, unknown key with a suggestion, unquoted version', async () => {
    expect(await problems(join(scenarios, 'broken/scenario.yaml'))).toEqual([
      'broken/scenario.yaml:2 endpoints.health: must start with "/"',
      'broken/scenario.yaml:4 probes.read.path: required, but missing',
      'broken/scenario.yaml:5 timeout: unknown key "timeout"; did you mean "timeouts"?',
      'broken/scenario.yaml:12 versions[1].version: write the version in quotes, e.g. "1.0": YAML reads an unquoted version as a number (here 1)',
    ]);
  });

  it('named rules: unknown stop, unknown placeholders, a version with no run command, duplicate version', async () => {
    expect(await problems(join(scenarios, 'rules-only.yaml'))).toEqual([
      'rules-only.yaml:6 upgradeStops[0]: version 1.5.0 is not in versions; known: 1.0.0, 1.1.0',
      'rules-only.yaml:9 defaults.run.local.env.PORT: unknown placeholder {{prot}}; did you mean {{port}}?',
      'rules-only.yaml:9 defaults.run.local.env.URL: unknown placeholder {{ databaseUrl }}; did you mean {{databaseUrl}}?',
      'rules-only.yaml:9 defaults.run.local.env.X: unknown placeholder {{bogus}}; known here: {{version}}, {{host}}, {{dataDir}}, {{databaseUrl}}, {{port}}, {{replica}}',
      'rules-only.yaml:12 versions[1]: version 1.1.0 has no run command: give defaults.run.local or versions[1].run.local',
      'rules-only.yaml:14 versions[2].version: duplicate version 1.0.0 (also versions[0])',
    ]);
  });

  it('a YAML syntax error, located', async () => {
    const lines = await problems(join(scenarios, 'syntax-error.yaml'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^syntax-error\.yaml:[23] YAML syntax: /);
  });
});

describe('placeholders', () => {
  it('fills only the names given and lists names exactly as written', () => {
    expect(fillPlaceholders('{{port}}-{{version}}-{{ version }}', { version: '1.0' })).toBe('{{port}}-1.0-{{ version }}');
    expect(placeholdersIn('a{{port}}b{{x}}{{}}')).toEqual(['port', 'x', '']);
  });
});
