import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.ts';
import { loadMatrix } from '../../harness/matrix/load-matrix.ts';
import { selectCells } from '../../harness/matrix/select-cells.ts';

const root = resolve(import.meta.dirname, '../..');
const cells = (await loadMatrix(join(root, 'test/fixtures/matrices/full.yaml'))).cells;
const ids = (glob: string) => selectCells(cells, glob).map((cell) => cell.id);

describe('selectCells (--only)', () => {
  it('matches an exact id, as the reproduce command gives it', () => {
    expect(ids('local/1.1.0-to-2.0.0/canary')).toEqual(['local/1.1.0-to-2.0.0/canary']);
  });

  it('matches globs, keeping the cells in plan order', () => {
    expect(ids('local/*/rolling')).toEqual(['local/1.0.0-to-1.1.0/rolling', 'local/1.1.0-to-2.0.0/rolling']);
    expect(ids('*/1.0.0-to-*/*')).toHaveLength(3);
    expect(ids('**/blue-green')).toEqual(['local/1.0.0-to-1.1.0/blue-green', 'local/1.1.0-to-2.0.0/blue-green']);
  });

  it('takes several comma-separated globs, each cell once', () => {
    expect(ids('local/*/recreate, local/1.0.0-to-1.1.0/*')).toEqual([
      'local/1.0.0-to-1.1.0/recreate',
      'local/1.0.0-to-1.1.0/rolling',
      'local/1.0.0-to-1.1.0/blue-green',
      'local/1.1.0-to-2.0.0/recreate',
    ]);
  });

  it('a glob matching nothing is a ConfigError that lists some ids', () => {
    let error: unknown;
    try {
      selectCells(cells, 'docker/*/rolling');
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      '--only "docker/*/rolling" matches no cell; cells: local/1.0.0-to-1.1.0/recreate, local/1.0.0-to-1.1.0/rolling, ' +
        'local/1.0.0-to-1.1.0/blue-green, local/1.1.0-to-2.0.0/recreate, local/1.1.0-to-2.0.0/rolling and 2 more',
    );
    expect((error as ConfigError).hint).toMatch(/platform\/from-to-to\/method/);
  });

  it('an empty --only is an error, not "everything"', () => {
    expect(() => selectCells(cells, ' , ')).toThrow(ConfigError);
  });
});
