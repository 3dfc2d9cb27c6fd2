import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.ts';
import { formatConfigError } from '../../harness/matrix/format-config-error.ts';
import { loadMatrix } from '../../harness/matrix/load-matrix.ts';

const root = resolve(import.meta.dirname, '../..');
const fixture = (name: string) => join(root, 'test/fixtures/matrices', name);

/** The lines a user would see, relative to the project root. */
async function problems(file: string): Promise<string[]> {
  const error = await loadMatrix(file).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return formatConfigError(error as ConfigError, root).split('\n');
}

describe('loadMatrix: valid files', () => {
  it('loads explicit hops with the scenario named by a relative path, and expands the cells', async () => {
    const matrix = await loadMatrix(fixture('full.yaml'));
    expect(matrix.name).toBe('full');
    expect(matrix.file).toBe(fixture('full.yaml'));
    expect(matrix.scenario.name).toBe('three-versions');
    expect(matrix.scenario.file).toBe(join(root, 'test/fixtures/scenarios/three-versions/scenario.yaml'));
    expect(matrix.cells).toHaveLength(7);
    expect(matrix.cells.every((cell) => cell.matrixFile === matrix.file && cell.scenario === matrix.scenario)).toBe(true);
  });

  it('expands a path into consecutive hops; a folder means the scenario.yaml inside it', async () => {
    const matrix = await loadMatrix(fixture('path.yaml'));
    expect(matrix.cells.map((cell) => cell.id)).toEqual(['local/1.0.0-to-1.1.0/rolling', 'local/1.1.0-to-2.0.0/rolling']);
    expect(matrix.cells[0]?.traffic).toEqual({ rate: 200, timeoutMs: 2000, warmUpMs: 1500, settleMs: 1500 });
    expect(matrix.cells[0]).toMatchObject({ replicas: 2, slo: 0.999, rollback: false, deadlineMs: 300_000, gates: { lostWrites: 0 } });
    expect(matrix.cells[0]?.methodOptions).toEqual({ canarySteps: [10, 50, 100], canaryStepMs: 1000, rollingOrder: 'start-first' });
  });

  it('loads the quickstart matrix with the sample-app scenario: 8 cells', async () => {
    const matrix = await loadMatrix(join(root, 'matrices/quickstart.yaml'));
    expect(matrix.scenario.file).toBe(join(root, 'scenarios/sample-app/scenario.yaml'));
    expect(matrix.cells).toHaveLength(8);
  });
});

describe('loadMatrix: a scenario outside scenarios/', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('finds a scenario by a path relative to the matrix, and by an absolute path, anywhere on disk', async () => {
    dir = await mkdtemp(join(tmpdir(), 'matrix-load-'));
    await cp(join(root, 'test/fixtures/scenarios/three-versions'), join(dir, 'apps/mine'), { recursive: true });
    const body = (scenario: string) => `name: elsewhere\nscenario: ${scenario}\nplatforms: [local]\npath: [1.0.0, 1.1.0]\nmethods: [rolling]\n`;
    await writeFile(join(dir, 'relative.yaml'), body('apps/mine/scenario.yaml'));
    await writeFile(join(dir, 'absolute.yaml'), body(join(dir, 'apps/mine/scenario.yaml')));
    for (const name of ['relative.yaml', 'absolute.yaml']) {
      const matrix = await loadMatrix(join(dir, name));
      expect(matrix.scenario.dir).toBe(join(dir, 'apps/mine'));
      expect(matrix.scenario.versions[0]?.run.local?.cwd).toBe(join(dir, 'apps/mine'));
      expect(matrix.cells.map((cell) => cell.id)).toEqual(['local/1.0.0-to-1.1.0/rolling']);
    }
  });

  it('resolves a bare scenario name under the current folder when no package.json is above the matrix', async () => {
    // What happens when a user copies a matrix to /tmp and runs it from the project.
    dir = await mkdtemp(join(tmpdir(), 'matrix-load-'));
    await writeFile(join(dir, 'copy.yaml'), 'name: copy\nscenario: sample-app\nplatforms: [local]\npath: [1.0.0, 1.1.0]\nmethods: [rolling]\n');
    const matrix = await loadMatrix(join(dir, 'copy.yaml'));
    expect(matrix.scenario.file).toBe(join(process.cwd(), 'scenarios/sample-app/scenario.yaml'));
  });
});

describe('loadMatrix: malformed files report every issue at once, located', () => {
  it('reports unknown method, missing fields, wrong types and unknown keys together', async () => {
    expect(await problems(fixture('malformed.yaml'))).toEqual([
      'test/fixtures/matrices/malformed.yaml:1 platforms: required, but missing',
      'test/fixtures/matrices/malformed.yaml:5 hops[1].to: required, but missing',
      'test/fixtures/matrices/malformed.yaml:6 methods[2]: unknown method "rolingg"; known: recreate, rolling, blue-green, canary, helm, operator, package-in-place, package-rolling',
      'test/fixtures/matrices/malformed.yaml:7 replicas: expected a number, got text "two"',
      'test/fixtures/matrices/malformed.yaml:8 trafic: unknown key "trafic"; did you mean "traffic"?',
      'test/fixtures/matrices/malformed.yaml:10 traffic.rate: expected a number, got text "fast"',
      'test/fixtures/matrices/malformed.yaml:11 canary.stepMs: must be at least 0, got number -5',
      'test/fixtures/matrices/malformed.yaml:14 overrides[0].gates.failedRequest: unknown key "failedRequest"; did you mean "failedRequests"?',
    ]);
  });

  it('reports a YAML syntax error with its line', async () => {
    const lines = await problems(fixture('yaml-syntax.yaml'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^test\/fixtures\/matrices\/yaml-syntax\.yaml:[45] YAML syntax: Flow sequence .* end with a \]$/);
  });

  it('reports each duplicate key, since each is its own mistake', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'matrix-load-'));
    try {
      await writeFile(join(dir, 'dup.yaml'), 'name: a\nname: b\nscenario: x\nmethods: [rolling]\nmethods: [canary]\n');
      const error = (await loadMatrix(join(dir, 'dup.yaml')).catch((thrown: unknown) => thrown)) as ConfigError;
      expect(error.issues.map((issue) => [issue.line, issue.message])).toEqual([
        [2, 'YAML syntax: Map keys must be unique'],
        [5, 'YAML syntax: Map keys must be unique'],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports the scenario's own issues, in its own file, with the matrix's", async () => {
    expect(await problems(fixture('scenario-broken.yaml'))).toEqual([
      'test/fixtures/matrices/scenario-broken.yaml:5 methods[0]: unknown method "rolingg"; known: recreate, rolling, blue-green, canary, helm, operator, package-in-place, package-rolling',
      'test/fixtures/scenarios/broken/scenario.yaml:2 endpoints.health: must start with "/"',
      'test/fixtures/scenarios/broken/scenario.yaml:4 probes.read.path: required, but missing',
      'test/fixtures/scenarios/broken/scenario.yaml:5 timeout: unknown key "timeout"; did you mean "timeouts"?',
      'test/fixtures/scenarios/broken/scenario.yaml:12 versions[1].version: write the version in quotes, e.g. "1.0": YAML reads an unquoted version as a number (here 1)',
    ]);
  });

  it('carries file, line, column and dot-path on each issue', async () => {
    const error = (await loadMatrix(fixture('malformed.yaml')).catch((thrown: unknown) => thrown)) as ConfigError;
    expect(error.issues).toContainEqual({
      file: fixture('malformed.yaml'),
      line: 6,
      column: 30,
      path: 'methods[2]',
      message: 'unknown method "rolingg"; known: recreate, rolling, blue-green, canary, helm, operator, package-in-place, package-rolling',
    });
    expect(error.code).toBe('CONFIG');
    expect(error.message).toBe(`matrix ${fixture('malformed.yaml')} has 8 problems`);
  });

  it('names a matrix file that does not exist', async () => {
    await expect(loadMatrix(fixture('nope.yaml'))).rejects.toThrow(/cannot read .*nope\.yaml: no such file/);
  });
});
