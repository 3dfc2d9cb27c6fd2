import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.ts';
import { formatConfigError } from '../../harness/matrix/format-config-error.ts';

const issue = (file: string, line: number, path: string, message: string) => ({ file, line, column: 3, path, message });

describe('formatConfigError', () => {
  it('prints one line per issue, file relative to cwd, then line, dot-path and message', () => {
    const error = new ConfigError('matrix /p/matrices/x.yaml has 2 problems', [
      issue('/p/matrices/x.yaml', 7, 'methods[2]', 'unknown method "rolingg"; known: recreate, rolling, blue-green, canary'),
      issue('/p/scenarios/a/scenario.yaml', 1, '', 'YAML syntax: bad'),
    ]);
    expect(formatConfigError(error, '/p')).toBe(
      'matrices/x.yaml:7 methods[2]: unknown method "rolingg"; known: recreate, rolling, blue-green, canary\n' +
        'scenarios/a/scenario.yaml:1 YAML syntax: bad',
    );
  });

  it('keeps the absolute path of a file outside cwd', () => {
    const error = new ConfigError('x', [issue('/tmp/bad-matrix.yaml', 9, 'methods[1]', 'unknown method')]);
    expect(formatConfigError(error, '/p')).toBe('/tmp/bad-matrix.yaml:9 methods[1]: unknown method');
  });

  it('lists the first ten issues and counts the rest, so a file of thousands stays readable', () => {
    const issues = Array.from({ length: 12_345 }, (_, i) => issue('/p/m.yaml', i + 1, `k${i}`, 'unknown key'));
    const lines = formatConfigError(new ConfigError('x', issues), '/p').split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[9]).toBe('m.yaml:10 k9: unknown key');
    expect(lines[10]).toBe('... and 12,335 more');
  });

  it('falls back to the message and its hint when there are no located issues', () => {
    expect(formatConfigError(new ConfigError('cannot read /x.yaml: no such file'), '/p')).toBe('cannot read /x.yaml: no such file');
    expect(formatConfigError(new ConfigError('--only "x" matches no cell', [], 'ids are a/b/c'), '/p')).toBe('--only "x" matches no cell\nhint: ids are a/b/c');
  });
});
