import { describe, expect, it } from 'vitest';
import { InfrastructureError } from '../../harness/errors.ts';
import { pathInside } from '../../harness/util/path-inside.ts';

describe('pathInside', () => {
  it('joins plain names under the root', () => {
    expect(pathInside('/run/out', 'cells', 'local_1.0.0-to-1.1.0_rolling')).toBe('/run/out/cells/local_1.0.0-to-1.1.0_rolling');
    expect(pathInside('/run/out/', 'migrate-pre-1.1.0+build.5.log')).toBe('/run/out/migrate-pre-1.1.0+build.5.log');
    // Dots inside a name are only a name ("..." is a file called three dots).
    expect(pathInside('/run', '...')).toBe('/run/...');
  });

  it('refuses a name that is a path, empty, dots, or holds NUL', () => {
    for (const name of ['../escaped', 'a/b', 'migrate-pre-1.1.0/../../../../escaped.log', '..', '.', '', 'a\\b', 'a\0b']) {
      expect(() => pathInside('/run/out', 'cells', name), JSON.stringify(name)).toThrow(InfrastructureError);
    }
    expect(() => pathInside('/run/out', '..')).toThrow(/refusing to make a file named "\.\." in \/run\/out/);
  });
});
