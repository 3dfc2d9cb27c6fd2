import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemaFiles } from '../../harness/matrix/json-schemas.ts';

const root = resolve(import.meta.dirname, '../..');

describe('generated JSON Schema files', () => {
  for (const generated of jsonSchemaFiles()) {
    it(`${generated.path} is current`, async () => {
      const onDisk = await readFile(join(root, generated.path), 'utf8').catch(() => '(missing)');
      expect(onDisk === generated.content, `${generated.path} is out of date: run \`npm run schemas\``).toBe(true);
    });
  }

  it('describes what an editor needs: enums for names, no unknown keys, defaults not required', () => {
    const matrix = JSON.parse(jsonSchemaFiles()[0]!.content);
    expect(matrix.additionalProperties).toBe(false);
    expect(matrix.required).toEqual(['name', 'scenario', 'platforms', 'methods']);
    expect(matrix.$defs.method.enum).toEqual(['recreate', 'rolling', 'blue-green', 'canary', 'helm', 'operator', 'package-in-place', 'package-rolling']);
    expect(matrix.properties.replicas.default).toBe(2);
  });
});
