import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMatrix } from '../../harness/matrix/load-matrix.ts';

const root = resolve(import.meta.dirname, '../..');

describe('probes of a cell', () => {
  it('runs the write ledger by default when the scenario has a write endpoint', async () => {
    const { cells } = await loadMatrix(join(root, 'matrices/quickstart.yaml'));
    expect(cells.every((cell) => cell.probes['write-ledger']?.rate === 10)).toBe(true);
    expect(cells.every((cell) => cell.probes.browser === undefined && cell.probes.k6 === undefined)).toBe(true);
  });

  it('has no ledger when the scenario cannot take writes', async () => {
    const { cells } = await loadMatrix(join(root, 'test/fixtures/e2e/tiny-http.yaml'));
    expect(cells[0]?.probes).toEqual({ http: true });
  });

  it('takes every probe the matrix names, a k6 script resolved against the matrix file', async () => {
    const { cells } = await loadMatrix(join(root, 'matrices/probes.yaml'));
    expect(cells[0]?.probes).toEqual({
      http: true,
      'http-new-connection': { rate: 20 },
      'write-ledger': { rate: 10 },
      browser: { rate: 0.5 },
      k6: { script: join(root, 'scenarios/sample-app/k6/journey.ts') },
    });
    expect(cells[0]?.rollback).toBe(true);
  });
});

describe('a chained path', () => {
  it('is one cell per platform and method that goes through every stop', async () => {
    const { cells } = await loadMatrix(join(root, 'matrices/customer-path.yaml'));
    expect(cells.map((cell) => [cell.id, cell.from, cell.via, cell.to])).toEqual([
      ['local/1.0.0-to-2.0.0-via-1.1.0/rolling', '1.0.0', ['1.1.0'], '2.0.0'],
      ['local/1.0.0-to-2.0.0-via-1.1.0/blue-green', '1.0.0', ['1.1.0'], '2.0.0'],
    ]);
  });

  it('a single hop goes via nothing', async () => {
    const { cells } = await loadMatrix(join(root, 'matrices/quickstart.yaml'));
    expect(cells.every((cell) => cell.via.length === 0)).toBe(true);
  });
});
