import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { methodNames } from '../../harness/matrix/cell.ts';
import type { Cell } from '../../harness/matrix/cell.ts';
import { expandMatrix } from '../../harness/matrix/expand-matrix.ts';
import { loadMatrix } from '../../harness/matrix/load-matrix.ts';
import { loadScenario } from '../../harness/matrix/load-scenario.ts';
import { matrixSchema } from '../../harness/matrix/matrix-schema.ts';

const root = resolve(import.meta.dirname, '../..');

/** What a cell decides, without the absolute paths that differ between machines. */
function plan(cell: Cell) {
  const { scenario, matrixFile, ...rest } = cell;
  return { ...rest, scenario: scenario.name };
}

describe('expandMatrix', () => {
  it('expands the quickstart matrix into 8 cells (snapshot)', async () => {
    const matrix = await loadMatrix(join(root, 'matrices/quickstart.yaml'));
    expect(matrix.cells.map(plan)).toMatchSnapshot();
  });

  it('orders cells by platform, then hop, then method, as the file lists them', async () => {
    const matrix = await loadMatrix(join(root, 'test/fixtures/matrices/full.yaml'));
    expect(matrix.cells.map((cell) => cell.id)).toEqual([
      'local/1.0.0-to-1.1.0/recreate',
      'local/1.0.0-to-1.1.0/rolling',
      'local/1.0.0-to-1.1.0/blue-green',
      // canary from 1.0.0 is excluded
      'local/1.1.0-to-2.0.0/recreate',
      'local/1.1.0-to-2.0.0/rolling',
      'local/1.1.0-to-2.0.0/blue-green',
      'local/1.1.0-to-2.0.0/canary',
    ]);
  });

  it('applies overrides in order to the cells they match; null removes a gate', async () => {
    const { cells } = await loadMatrix(join(root, 'test/fixtures/matrices/full.yaml'));
    const byId = new Map(cells.map((cell) => [cell.id, cell]));
    const base = { replicas: 3, rollback: false, slo: 0.999, deadlineMs: 300_000 };
    expect(byId.get('local/1.0.0-to-1.1.0/rolling')).toMatchObject({
      ...base,
      traffic: { rate: 50, timeoutMs: 2000, warmUpMs: 100, settleMs: 1500 },
      gates: { lostWrites: 0, unintendedRestarts: 0, failedRequests: 0, p99LatencyMs: 500 },
    });
    // first override only: failedRequests removed, outage allowed, slower traffic
    const recreate = byId.get('local/1.0.0-to-1.1.0/recreate');
    expect(recreate).toMatchObject({ ...base, traffic: { rate: 20, warmUpMs: 100 } });
    expect(recreate?.gates).toEqual({ lostWrites: 0, unintendedRestarts: 0, p99LatencyMs: 500, longestOutageMs: 15000 });
    // both overrides: the second removes lostWrites and changes the run settings
    const later = byId.get('local/1.1.0-to-2.0.0/recreate');
    expect(later).toMatchObject({ replicas: 1, rollback: true, slo: 0.99, deadlineMs: 60_000, traffic: { rate: 20 } });
    expect(later?.gates).toEqual({ unintendedRestarts: 0, p99LatencyMs: 500, longestOutageMs: 15000 });
    expect(byId.get('local/1.1.0-to-2.0.0/rolling')?.gates).toEqual({ unintendedRestarts: 0, failedRequests: 0, p99LatencyMs: 500 });
    expect(byId.get('local/1.1.0-to-2.0.0/canary')?.methodOptions).toEqual({ canarySteps: [25, 100], canaryStepMs: 1000, rollingOrder: 'start-first' });
    expect(byId.get('local/1.1.0-to-2.0.0/blue-green')?.methodOptions).toEqual({ canarySteps: [10, 50, 100], canaryStepMs: 1000, rollingOrder: 'start-first' });
  });

  it('is pure: the same input gives equal cells and the config is left as it was', async () => {
    const file = join(root, 'test/fixtures/matrices/full.yaml');
    const config = matrixSchema.parse(parse(await readFile(file, 'utf8')));
    const before = structuredClone(config);
    const scenario = await loadScenario(join(root, 'test/fixtures/scenarios/three-versions/scenario.yaml'));
    const first = expandMatrix(config, scenario, file);
    first[0]!.gates.lostWrites = 99;
    first[0]!.methodOptions.canarySteps.push(1);
    expect(expandMatrix(config, scenario, file).map(plan)).toEqual((await loadMatrix(file)).cells.map(plan));
    expect(config).toEqual(before);
  });

  it('makes one cell per platform x hop x method that no exclude matches, ids unique', async () => {
    const scenario = await loadScenario(join(root, 'test/fixtures/scenarios/three-versions/scenario.yaml'));
    const versions = ['1.0.0', '1.1.0', '2.0.0'];
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...methodNames), { minLength: 1 }),
        fc.array(fc.record({ method: fc.constantFrom(...methodNames), from: fc.constantFrom(...versions) }), { maxLength: 3 }),
        (methods, exclude) => {
          const config = matrixSchema.parse({ name: 'p', scenario: 'x', platforms: ['local'], path: versions, methods, exclude });
          const cells = expandMatrix(config, scenario, '/m.yaml');
          const excluded = (method: string, from: string) => exclude.some((when) => when.method === method && when.from === from);
          const expected = versions.slice(0, -1).flatMap((from) => methods.filter((method) => !excluded(method, from)).map((method) => `${from}/${method}`));
          expect(cells.map((cell) => `${cell.from}/${cell.method}`)).toEqual(expected);
          expect(new Set(cells.map((cell) => cell.id)).size).toBe(cells.length);
        },
      ),
    );
  });
});
